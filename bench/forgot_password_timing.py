"""Forgot-password answer time: an existing account vs an unknown one, as a ratio.

    .venv/bin/python bench/forgot_password_timing.py [N]

Posts "Forgot password?" N times for an existing, active account and N times for
an unknown one, interleaved, through the whole Django stack, and times the
request path only: validate, count against the limits, enqueue one task, answer.
Nothing sleeps (there is no floor): the work that differs (issue a link, queue
the email, audit) is the task's. Prints the median of each and the ratio
existing/unknown (goal: 1.00 ± 0.10); then runs the worker once over the queue
(``db_worker --batch``, untimed) to show that the existing account was emailed N
times and the unknown one never. Rate limits and the self-service budget are
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

    # Every request must take its full path: no rate limit, no budget.
    for action in ("forgot_password", "forgot_username"):
        ratelimit.RATE_LIMITS[action] = "1000000/h/ip,1000000/h/key"
    limits.SEND_LIMIT = 10**9
    # "Forgot password?" spends its own budget (3 an hour, 10 a day), not SEND_LIMIT.
    limits.SELF_SERVICE_HOURLY_LIMIT = limits.SELF_SERVICE_DAILY_LIMIT = 10**9

    url = f"/p/{slug}/forgot-password/"
    http = HttpClient()
    pages: set[bytes] = set()

    def timed(identifier: str) -> float:
        started = time.perf_counter()
        response = http.post(url, {"identifier": identifier})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        pages.add(response.content.split(b'name="csrfmiddlewaretoken"')[0])
        return elapsed

    print(f"forgot-password timing, request path only, {n} requests each, median ({slug})")
    timed("casey@example.com")  # warm-up: imports, template and query caches
    timed("nobody@example.com")
    existing: list[float] = []
    unknown: list[float] = []
    for _ in range(n):
        existing.append(timed("casey@example.com"))
        unknown.append(timed("nobody@example.com"))
    e, u = statistics.median(existing), statistics.median(unknown)
    ratio = e / u
    print(f"existing {e * 1000:7.2f} ms   unknown {u * 1000:7.2f} ms   ratio {ratio:.3f}")
    print(f"distinct answer pages (up to the CSRF token): {len(pages)} (expected 1)")

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    resets = OutboundEmail.objects.filter(practice=practice, kind=EmailKind.PASSWORD_RESET)
    print(f"after the worker: reset emails queued {resets.count()} (expected {n + 1})")
    verdict = "PASS" if abs(ratio - 1.0) <= 0.10 else "FAIL"
    print(f"goal 1.00 ± 0.10, no floor: {verdict} ({ratio:.3f})")


if __name__ == "__main__":
    main()
