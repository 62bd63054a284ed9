"""Concurrent self-bookings of one open time, many times over (PostgreSQL).

    DATABASE_URL=postgres://root@127.0.0.1:5432/portico_bench \\
        .venv/bin/python bench/self_booking_race.py [TRIALS] [RACERS]

For each trial RACERS threads (default 20), each a different client with their
own portal access and their own database connection, released together by a
barrier, book the same open time with the action the portal's "Book this time"
button calls (``portico.scheduling.booking.self_book``: availability, notice and
horizon re-checked, then the clinician's row lock and the overlap check). A trial
passes when exactly one racer gets the appointment, every other one is told the
time was just taken (``SlotTaken``), nobody hits any other error, and the
clinician has exactly one appointment at that time. Prints the trials, the
one-winner count, the errors and the ratio (goal: 200/200 = 1.000). Needs
PostgreSQL (SQLite serialises writers, so there is no race to show); create the
database first (createdb portico_bench).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot, portal_accounts  # noqa: E402 (after the path is set)


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    racers = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    boot()
    from datetime import datetime
    from datetime import time as clock

    from django.db import connections
    from django.utils import timezone

    from portico.access.models import PortalAccess
    from portico.appointments.models import Appointment, AppointmentKind
    from portico.audit.actor import Actor
    from portico.practices.actions import create_practice
    from portico.scheduling.actions import (
        add_bookable_type,
        add_weekly_window,
        update_scheduling_settings,
    )
    from portico.scheduling.booking import SlotTaken, self_book
    from portico.scheduling.models import Weekday
    from portico.scheduling.rules import scheduling_settings_of
    from portico.scheduling.slots import open_times

    slug = f"book{int(time.time())}"
    practice, owner = create_practice(
        slug=slug,
        name="Race Practice",
        owner_email=f"owner@{slug}.test",
        owner_first_name="O",
        owner_last_name="Owner",
        owner_password=None,
    )
    by = Actor.for_user(owner)
    update_scheduling_settings(
        practice, by=by, notice_hours=0, horizon_days=30, requires_approval=False
    )
    for weekday in Weekday.values:
        add_weekly_window(owner, by=by, weekday=weekday, start=clock(0), end=clock(23, 45))
    bookable = add_bookable_type(
        owner,
        by=by,
        name="Video session, 15 minutes",
        kind=AppointmentKind.VIDEO,
        duration_minutes=15,
        location="",
    )
    portal_accounts(practice, racers, password="a long unusual phrase 42")  # noqa: S106
    accesses = list(
        PortalAccess.objects.filter(practice=practice).select_related("client", "user", "practice")
    )
    starts = open_times(bookable, scheduling_settings_of(practice), timezone.now())[1:]
    if len(starts) < trials:
        sys.exit(f"Only {len(starts)} open times in the horizon; ask for fewer trials.")

    start_line = threading.Barrier(racers + 1)
    finish_line = threading.Barrier(racers + 1)
    current: dict[str, datetime] = {}
    outcomes: list[object] = []
    lock = threading.Lock()
    stop = False

    def racer(index: int) -> None:
        access = accesses[index]
        actor = Actor.for_user(access.user) if access.user else Actor.system()
        while True:
            start_line.wait()
            if stop:
                connections.close_all()
                return
            try:
                outcome: object = self_book(
                    access,
                    by=actor,
                    bookable=bookable,
                    clinician=owner,
                    starts_at=current["start"],
                )
            except SlotTaken as taken:
                outcome = taken
            except Exception as error:  # noqa: BLE001 (counted as a server error)
                outcome = RuntimeError(repr(error))
            with lock:
                outcomes.append(outcome)
            finish_line.wait()

    threads = [threading.Thread(target=racer, args=(i,), daemon=True) for i in range(racers)]
    for thread in threads:
        thread.start()

    one_winner = 0
    errors: list[BaseException] = []
    started = time.perf_counter()
    for trial in range(trials):
        current["start"] = starts[trial]
        outcomes.clear()
        start_line.wait()
        finish_line.wait()
        winners = [o for o in outcomes if isinstance(o, Appointment)]
        taken = [o for o in outcomes if isinstance(o, SlotTaken)]
        failures = [o for o in outcomes if isinstance(o, RuntimeError)]
        errors.extend(failures)
        stored = Appointment.objects.filter(clinician=owner, starts_at=starts[trial]).count()
        if len(winners) == 1 and len(taken) == racers - 1 and not failures and stored == 1:
            one_winner += 1
    elapsed = time.perf_counter() - started
    stop = True
    start_line.wait()

    print(f"trials: {trials} ({racers} concurrent self-bookings of one open time each)")
    print(f"trials with exactly one winner: {one_winner}")
    print(f"server errors: {len(errors)}" + (f", first: {errors[0]!r}" if errors else ""))
    print(f"ratio: {one_winner / trials:.3f}")
    print(
        f"booking attempts: {trials * racers} in {elapsed:.1f} s "
        f"({trials * racers / elapsed:.0f}/s)"
    )


if __name__ == "__main__":
    main()
