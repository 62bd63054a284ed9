"""Self-scheduling test state, built with the real actions."""

from __future__ import annotations

from datetime import time

import pytest

from portico.accounts.models import User
from portico.appointments.models import AppointmentKind
from portico.audit.actor import Actor
from portico.scheduling.actions import add_bookable_type, add_weekly_window
from portico.scheduling.models import BookableType, Weekday
from tests.appointments.conftest import lee  # noqa: F401 (a fixture)


def weekdays_nine_to_five(clinician: User, *, by: User) -> None:
    for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY):
        add_weekly_window(
            clinician, by=Actor.for_user(by), weekday=weekday, start=time(9), end=time(17)
        )
    add_weekly_window(
        clinician, by=Actor.for_user(by), weekday=Weekday.FRIDAY, start=time(9), end=time(12)
    )


def video_type(clinician: User, *, by: User, minutes: int = 50) -> BookableType:
    return add_bookable_type(
        clinician,
        by=Actor.for_user(by),
        name=f"Video session, {minutes} minutes",
        kind=AppointmentKind.VIDEO,
        duration_minutes=minutes,
        location="",
    )


@pytest.fixture
def session_type(clinician: User) -> BookableType:
    """Clara publishes weekdays 9–5 (Fridays 9–12) and a 50-minute video session."""
    weekdays_nine_to_five(clinician, by=clinician)
    return video_type(clinician, by=clinician)
