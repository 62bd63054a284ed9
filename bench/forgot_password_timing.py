"""Forgot-password answer time: an existing account vs an unknown one, as a ratio.

    .venv/bin/python bench/forgot_password_timing.py [N]

Posts "Forgot password?" N times for an existing, active account (a link is
issued, an email queued, a task enqueued, the audit written) and N times for an
unknown one (only the audit), interleaved, through the whole Django stack.
Prints the median of each and the ratio existing/unknown (goal: 1.00 ± 0.10),
first with the response floor the portal uses (portico.portal.timing), then
without it, to show what the floor hides. Rate limits and the resend limit are
lifted for the run so every request takes its full path. Uses a fresh SQLite
database in a temporary directory, or DATABASE_URL if set.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    os.environ.setdefault("PORTICO_DATA_DIR", tempfile.mkdtemp(prefix="portico-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portico.settings")
    os.environ.setdefault("PORTICO_LOG_LEVEL", "ERROR")
    os.environ.setdefault("PORTICO_ALLOWED_HOSTS", "testserver")
    if not os.environ.get("EMAIL_URL") and not os.environ.get("PORTICO_EMAIL_SERVICE"):
        # Emails stay in the (staff-only) local mailbox; debug would slow every query.
        os.environ.setdefault("PORTICO_LOCAL_MAILBOX", "true")

    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.utils import timezone

    from portico.access import limits
    from portico.access.actions import send_invite
    from portico.access.people import add_client
    from portico.access.registration import redeem_invite
    from portico.audit.actor import Actor
    from portico.lib import ratelimit
    from portico.mail.models import EmailKind, OutboundEmail
    from portico.portal import timing
    from portico.practices.actions import create_practice

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    slug = f"bench{int(time.time())}"
    practice, owner = create_practice(
        slug=slug,
        name="Bench Practice",
        owner_email=f"owner@{slug}.test",
        owner_first_name="Olivia",
        owner_last_name="Owner",
        owner_password="correct horse battery staple",
    )
    client = add_client(
        practice,
        by=Actor.for_user(owner),
        first_name="Casey",
        last_name="Client",
        date_of_birth=date(1990, 4, 12),
        emails=("casey@example.com",),
        send_invitation=False,
    )
    sent = send_invite(client, by=Actor.for_user(owner))
    redeem_invite(
        sent.link,
        by=Actor.system(),
        username="casey",
        password="correct horse battery staple",
        at=timezone.now(),
    )

    # Every request must take its full path: no rate limit, no resend limit.
    for action in ("forgot_password", "forgot_username"):
        ratelimit.RATE_LIMITS[action] = "1000000/h/ip,1000000/h/key"
    limits.SEND_LIMIT = 10**9
    # "Forgot password?" spends its own budget (3 an hour, 10 a day), not SEND_LIMIT.
    limits.SELF_SERVICE_HOURLY_LIMIT = limits.SELF_SERVICE_DAILY_LIMIT = 10**9

    url = f"/p/{slug}/forgot-password/"
    http = HttpClient()

    def timed(identifier: str) -> float:
        started = time.perf_counter()
        response = http.post(url, {"identifier": identifier})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed

    def run(label: str) -> float:
        existing: list[float] = []
        unknown: list[float] = []
        timed("casey")  # warm-up: imports, template and query caches
        timed("nobody")
        for number in range(n):
            existing.append(timed("casey"))
            unknown.append(timed(f"nobody{number}@example.com"))
        e, u = statistics.median(existing), statistics.median(unknown)
        print(
            f"{label:<28} existing {e * 1000:8.1f} ms   unknown {u * 1000:8.1f} ms   "
            f"ratio {e / u:.3f}"
        )
        return e / u

    print(f"forgot-password timing, {n} requests each, median ({practice.slug})")
    floor = run(f"with {timing.RESPONSE_FLOOR_SECONDS:.2f} s floor")
    timing.RESPONSE_FLOOR_SECONDS = 0.0
    run("without floor (for contrast)")
    resets = OutboundEmail.objects.filter(practice=practice, kind=EmailKind.PASSWORD_RESET)
    print(f"reset emails queued: {resets.count()} (expected {2 * n + 2})")
    verdict = "PASS" if abs(floor - 1.0) <= 0.10 else "FAIL"
    print(f"goal 1.00 ± 0.10: {verdict} ({floor:.3f})")


if __name__ == "__main__":
    main()
