"""Moments as people read them: in the practice's time zone, one way everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from portico.lib.localtime import (
    clock,
    day_and_time,
    day_and_time_with_zone,
    practice_today,
    short_day_and_time,
    when_next,
)
from portico.practices.models import Practice

DENVER = Practice(timezone="America/Denver")


def test_the_clock_reads_in_the_practice_zone_with_noon_and_midnight_as_twelve() -> None:
    assert clock(DENVER, datetime(2025, 11, 22, 19, 0, tzinfo=UTC)) == "12:00 PM"
    assert clock(DENVER, datetime(2025, 11, 22, 7, 5, tzinfo=UTC)) == "12:05 AM"
    assert clock(DENVER, datetime(2025, 11, 22, 22, 5, tzinfo=UTC)) == "3:05 PM"


def test_the_day_is_the_practice_day_not_the_utc_day() -> None:
    # 02:30 UTC on Nov 23 is still the evening of Nov 22 in Denver.
    moment = datetime(2025, 11, 23, 2, 30, tzinfo=UTC)
    assert day_and_time(DENVER, moment) == "Saturday, November 22 at 7:30 PM"
    assert short_day_and_time(DENVER, moment) == "Nov 22 at 7:30 PM"
    assert day_and_time_with_zone(DENVER, moment) == "Saturday, November 22 at 7:30 PM MST"


def test_when_next_drops_the_day_only_for_the_same_practice_day() -> None:
    now = datetime(2025, 11, 22, 18, 0, tzinfo=UTC)  # 11:00 AM in Denver
    late_tonight = datetime(2025, 11, 23, 6, 59, tzinfo=UTC)  # 11:59 PM in Denver
    tomorrow = datetime(2025, 11, 23, 7, 0, tzinfo=UTC)  # midnight in Denver
    assert when_next(DENVER, late_tonight, now) == "11:59 PM"
    assert when_next(DENVER, tomorrow, now) == "Nov 23 at 12:00 AM"


def test_today_turns_over_at_the_practice_midnight() -> None:
    with time_machine.travel(datetime(2025, 11, 23, 6, 59, tzinfo=UTC), tick=False):
        assert practice_today(DENVER) == date(2025, 11, 22)
    with time_machine.travel(datetime(2025, 11, 23, 7, 0, tzinfo=UTC), tick=False):
        assert practice_today(DENVER) == date(2025, 11, 23)
