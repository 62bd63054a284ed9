"""Access problems: the top bar's count and the page, at 100 000 clients vs at 100.

    .venv/bin/python bench/problems.py [BIG] [REQUESTS]

Two practices in one database, one with 100 clients and one with BIG (default
100 000). Most clients have a history, as in a practice that has used Portico for a
while: 60 % registered (an account, a used invitation, its delivered email), 20 %
invited and still waiting (a live link, its email delivered), the rest not invited.
Each practice then gets the same 27 stuck people, three of each kind (bounced, marked
as spam, expired, delivered but unopened, wrong dates of birth, locked, temporary
password expired, access off with a message waiting, came of age), made with the
real actions. Through the whole Django stack, as a signed-in front-desk user, it
requests the client list (every staff page shows the top bar's count) and the Access
problems page, and times the count itself: ``top_bar_count`` as a staff page calls it
(from the cache), and ``problem_count`` (the derivation, what fills the cache).

Prints p95 per request, the ratio big/small and the query counts (goal: the same at
both sizes), and whether the top bar's count costs every staff page the same queries
and under 2 ms at BIG as at 100. Background rows are inserted with bulk_create: the
benchmark measures reading.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import (  # noqa: E402 (after the path is set)
    boot,
    compare_sizes,
    p95_of_pages,
    percentile,
    practice_with_clients,
)

FIRST = ["Ava", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"]
LAST = ["Adams", "Brown", "Chen", "Diaz", "Evans", "Fox", "Garcia", "Hill", "Ito", "Jones"]


def history(practice: Any) -> None:
    """Give most clients a past: accounts with used invitations, live invitations."""
    import secrets
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from portico.access.links import hash_token
    from portico.access.models import AccessLink, LinkPurpose, PortalAccess
    from portico.accounts.models import User, UserKind
    from portico.mail.models import EmailKind, EmailStatus, OutboundEmail

    now = timezone.now()
    accesses = list(
        PortalAccess.objects.filter(practice=practice).select_related("client").order_by("pk")
    )
    batch = 5000
    for start in range(0, len(accesses), batch):
        chunk = accesses[start : start + batch]
        with transaction.atomic():
            registered = [a for i, a in enumerate(chunk, start) if i % 10 < 6]
            waiting = [a for i, a in enumerate(chunk, start) if 6 <= i % 10 < 8]
            done = {a.pk for a in registered}
            users = User.objects.bulk_create(
                User(
                    practice=practice,
                    kind=UserKind.PORTAL,
                    username=f"{practice.slug}-u{a.pk}",
                    email=f"c{a.client_id}@example.com",
                    password="!",  # noqa: S106 (unusable: nobody signs in here)
                    last_login=now - timedelta(days=2),
                )
                for a in registered
            )
            for access, user in zip(registered, users, strict=True):
                access.user = user
            PortalAccess.objects.bulk_update(registered, ["user"])
            links = AccessLink.objects.bulk_create(
                AccessLink(
                    practice=practice,
                    purpose=LinkPurpose.CLIENT_INVITE,
                    access=a,
                    email=f"c{a.client_id}@example.com",
                    token_hash=hash_token(secrets.token_urlsafe(32)),
                    created_at=now - timedelta(days=30 if a.pk in done else 1),
                    expires_at=now + timedelta(days=-28 if a.pk in done else 1),
                    used_at=now - timedelta(days=29) if a.pk in done else None,
                    first_viewed_at=now - timedelta(days=29) if a.pk in done else None,
                )
                for a in (*registered, *waiting)
            )
            OutboundEmail.objects.bulk_create(
                OutboundEmail(
                    practice=practice,
                    kind=EmailKind.INVITE,
                    to_address=link.email,
                    subject="Set up your portal account",
                    text_body="",
                    client_id=link.access.client_id,  # type: ignore[union-attr]
                    link=link,
                    status=EmailStatus.DELIVERED,
                    message_id=f"<{secrets.token_hex(12)}@bench>",
                    created_at=link.created_at,
                    sent_at=link.created_at,
                    delivered_at=link.created_at,
                    status_changed_at=link.created_at,
                )
                for link in links
            )


def stuck_people(practice: Any, owner: Any) -> None:
    """Three people of each kind of problem, made with the real actions."""
    from datetime import date, timedelta

    from django.utils import timezone

    from portico.access.actions import disable_portal_access, send_invite, set_temporary_password
    from portico.access.people import add_client
    from portico.access.queries import portal_account_for
    from portico.access.registration import record_dob_failure
    from portico.accounts.lockout import register_failure
    from portico.accounts.models import User
    from portico.audit.actor import Actor
    from portico.clients.models import ComingOfAgeReview
    from portico.mail.models import EmailStatus, OutboundEmail
    from portico.messaging.actions import send_staff_message

    by = Actor.for_user(owner)
    now = timezone.now()
    kinds = [
        "bounced",
        "complained",
        "expired",
        "unopened",
        "dob",
        "locked",
        "temporary",
        "off",
        "adult",
    ]
    for number in range(27):
        kind = kinds[number % len(kinds)]
        client = add_client(
            practice,
            by=by,
            first_name="Stuck",
            last_name=f"{kind}{number}",
            date_of_birth=date(1990, 1, 1),
            emails=(f"stuck{number}@example.com",),
            send_invitation=False,
        )
        if kind in ("bounced", "complained", "expired", "unopened", "dob"):
            link = send_invite(client, by=by).link
            emails = OutboundEmail.objects.filter(link=link)
            if kind == "bounced":
                emails.update(status=EmailStatus.BOUNCED, status_detail="No such mailbox")
            elif kind == "complained":
                emails.update(status=EmailStatus.COMPLAINED)
            elif kind == "expired":
                type(link).objects.filter(pk=link.pk).update(expires_at=now - timedelta(hours=1))
            elif kind == "unopened":
                long_ago = now - timedelta(days=practice.unopened_invitation_days + 1)
                emails.update(status=EmailStatus.DELIVERED, delivered_at=long_ago, sent_at=long_ago)
                type(link).objects.filter(pk=link.pk).update(
                    created_at=long_ago, expires_at=now + timedelta(days=1)
                )
            else:
                for _ in range(5):
                    record_dob_failure(link, by=Actor.system(), at=now)
        elif kind in ("locked", "temporary", "off"):
            set_temporary_password(client, by=by)
            account = portal_account_for(client)
            assert account is not None
            if kind == "locked":
                for _ in range(5):
                    register_failure(account, by=Actor.system())
                # Locked for the whole run (a real lock ends within 15 minutes).
                User.objects.filter(pk=account.pk).update(locked_until=now + timedelta(days=1))
            elif kind == "temporary":
                User.objects.filter(pk=account.pk).update(
                    temporary_password_expires_at=now - timedelta(hours=1)
                )
            else:
                disable_portal_access(client, by=by)
                send_staff_message(client, by=by, body="Please call us.")
        else:
            ComingOfAgeReview.objects.create(
                practice=practice,
                client=client,
                came_of_age_on=timezone.localdate(),
                created_at=now,
            )


def populate(slug: str, count: int) -> tuple[Any, Any]:
    from django.test import Client as HttpClient

    from portico.practices.models import Role, StaffMembership

    practice, _ = practice_with_clients(
        slug, count, lambda i: (FIRST[i % len(FIRST)], f"{LAST[i % len(LAST)]}{i // 97:04}")
    )
    # The front desk signs in with a password only (two-factor is not what is measured).
    type(practice).objects.filter(pk=practice.pk).update(require_staff_two_factor=False)
    http = HttpClient()
    http.force_login(StaffMembership.objects.get(practice=practice, role=Role.FRONT_DESK).user)
    history(practice)
    owner = StaffMembership.objects.get(practice=practice, role=Role.OWNER).user
    stuck_people(practice, owner)
    return practice, http


def time_calls(call: Any, requests: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    samples: list[float] = []
    queries = 0
    for _ in range(requests):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            call()
        samples.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    return percentile(samples, 0.95), queries


def measure(practice: Any, http: Any, requests: int) -> dict[str, tuple[float, int]]:
    from django.utils import timezone

    from portico.lib.urls import practice_path
    from portico.problems.counts import problem_count, top_bar_count

    base = f"/p/{practice.slug}"
    results = p95_of_pages(
        http,
        {
            "client list": base + practice_path("clients:list"),
            "problems": base + practice_path("problems:list"),
            "expired": base + practice_path("problems:list") + "?kind=expired",
        },
        requests,
    )
    found = problem_count(practice, timezone.now())
    assert found == 27, found
    results["top bar"] = time_calls(lambda: top_bar_count(practice), requests)
    results["derivation"] = time_calls(
        lambda: problem_count(practice, timezone.now()), max(5, requests // 4)
    )
    return results


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    boot()
    print(f"inserting 100 + {big} clients with their history …", flush=True)
    small = measure(*populate("small", 100), requests)
    large = measure(*populate("large", big), requests)
    compare_sizes(small, large, big)
    queries_small, (bar_large, queries_large) = small["top bar"][1], large["top bar"]
    verdict = "met" if queries_large == queries_small and bar_large < 0.002 else "NOT met"
    print(
        f"top bar count at {big}: {queries_large} queries, p95 {bar_large * 1000:.1f} ms "
        f"(goal: the same queries as at 100, under 2 ms: {verdict})"
    )


if __name__ == "__main__":
    main()
