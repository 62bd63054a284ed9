"""50 concurrent redemptions of one invitation link, many times over (PostgreSQL).

    DATABASE_URL=postgres://root@127.0.0.1:5432/portico_bench \\
        .venv/bin/python bench/concurrent_redemptions.py [TRIALS] [RACERS]

For each trial a client is invited and RACERS threads (default 50), each with its
own database connection, released together by a barrier, try to complete the
registration with that link at once: the same action the "set your password"
form calls. A trial passes when exactly one racer gets an account, the others
are told the link is used, nobody hits an error, and the practice has exactly
one portal account for that client. Prints passed/TRIALS (goal: 1000/1000) and
the redemption attempts per second. Needs PostgreSQL (SQLite serialises writers,
so there is no race to show); create the database first (createdb portico_bench).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot  # noqa: E402 (after the path is set)


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    racers = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    boot()
    from datetime import date

    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from portico.access.actions import send_invite
    from portico.access.models import AccessLink, PortalAccess
    from portico.access.people import add_client
    from portico.access.registration import redeem_invite
    from portico.accounts.models import User
    from portico.audit.actor import Actor
    from portico.practices.actions import create_practice

    # Hashing is not what races; a fast hasher keeps 50 000 attempts quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    slug = f"race{int(time.time())}"
    practice, owner = create_practice(
        slug=slug,
        name="Race Practice",
        owner_email=f"owner@{slug}.test",
        owner_first_name="O",
        owner_last_name="Owner",
        owner_password=None,
    )
    by = Actor.for_user(owner)

    start = threading.Barrier(racers + 1)
    done = threading.Barrier(racers + 1)
    current: dict[str, int] = {}
    outcomes: list[object] = []
    lock = threading.Lock()
    stop = False

    def racer() -> None:
        while True:
            start.wait()
            if stop:
                connections.close_all()
                return
            try:
                link = AccessLink.objects.select_related("access__client", "practice").get(
                    pk=current["link"]
                )
                outcome: object = redeem_invite(
                    link,
                    by=Actor.system(),
                    username=None,
                    password="a long unusual phrase 42",
                    at=timezone.now(),
                )
            except Exception as error:  # noqa: BLE001 (counted as a failure)
                outcome = error
            with lock:
                outcomes.append(outcome)
            done.wait()

    threads = [threading.Thread(target=racer, daemon=True) for _ in range(racers)]
    for thread in threads:
        thread.start()

    passed = 0
    errors: list[BaseException] = []
    started = time.perf_counter()
    for trial in range(trials):
        client = add_client(
            practice,
            by=by,
            first_name="Race",
            last_name=f"Client{trial:05}",
            date_of_birth=date(1990, 1, 1),
            emails=[f"race{trial}@example.com"],
            send_invitation=False,
        )
        current["link"] = send_invite(client, by=by).link.pk
        outcomes.clear()
        start.wait()
        done.wait()
        winners = [o for o in outcomes if isinstance(o, User)]
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        errors.extend(failures)
        accounts = PortalAccess.objects.filter(client=client, user__isnull=False).count()
        if len(winners) == 1 and not failures and accounts == 1:
            passed += 1
    elapsed = time.perf_counter() - started
    stop = True
    start.wait()

    print(f"trials with exactly one winner and no errors: {passed}/{trials}")
    print(
        f"redemption attempts: {trials * racers} in {elapsed:.1f} s "
        f"({trials * racers / elapsed:.0f}/s)"
    )
    if errors:
        print(f"errors ({len(errors)}), first: {errors[0]!r}")


if __name__ == "__main__":
    main()
