"""Open times: windows stepped by the type's length, notice and horizon to the minute,
exceptions, what is booked or requested, and the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portico.accounts.models import User
from portico.appointments.actions import cancel_appointment
from portico.appointments.models import Appointment, AppointmentStatus
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.lib.localtime import local
from portico.practices.models import Practice
from portico.scheduling.actions import add_exception, add_weekly_window, update_scheduling_settings
from portico.scheduling.models import BookableType, ExceptionKind, Weekday
from portico.scheduling.rules import scheduling_settings_of
from portico.scheduling.slots import by_day, fits_availability, open_times
from tests.appointments.conftest import book
from tests.scheduling.conftest import video_type

MONDAY_9AM = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon, Nov 30, 9:00 AM EST


def clocks(practice: Practice, moments: list[datetime], day: date) -> list[str]:
    """ "09:00 EST" for each moment on ``day`` (practice's zone)."""
    return [f"{local(practice, m):%H:%M %Z}" for m in moments if local(practice, m).date() == day]


def now_open(bookable: BookableType) -> list[datetime]:
    return open_times(bookable, scheduling_settings_of(bookable.practice), timezone.now())


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


def test_times_step_by_the_types_length_from_each_window_start_and_fit_inside_it(
    maple: Practice, session_type: BookableType
) -> None:
    tuesday = date(2026, 12, 1)
    assert clocks(maple, now_open(session_type), tuesday) == [
        "09:00 EST", "09:50 EST", "10:40 EST", "11:30 EST", "12:20 EST",
        "13:10 EST", "14:00 EST", "14:50 EST", "15:40 EST",
    ]  # fmt: skip
    friday = date(2026, 12, 4)
    assert clocks(maple, now_open(session_type), friday) == ["09:00 EST", "09:50 EST", "10:40 EST"]


def test_several_windows_on_one_day_each_give_times(
    maple: Practice, clinician: User, owner: User
) -> None:
    by = Actor.for_user(clinician)
    add_weekly_window(clinician, by=by, weekday=Weekday.TUESDAY, start=time(9), end=time(10))
    add_weekly_window(clinician, by=by, weekday=Weekday.TUESDAY, start=time(14), end=time(15))
    times = now_open(video_type(clinician, by=clinician, minutes=30))
    assert clocks(maple, times, date(2026, 12, 1)) == [
        "09:00 EST", "09:30 EST", "14:00 EST", "14:30 EST",
    ]  # fmt: skip


def test_the_minimum_notice_holds_to_the_minute(
    maple: Practice, session_type: BookableType
) -> None:
    tuesday_9am = MONDAY_9AM + timedelta(days=1)
    assert tuesday_9am in now_open(session_type)  # exactly 24 hours: bookable
    with time_machine.travel(MONDAY_9AM + timedelta(minutes=1), tick=False):
        times = now_open(session_type)
    assert tuesday_9am not in times
    assert times[0] == tuesday_9am + timedelta(minutes=50)


def test_the_horizon_holds_to_the_minute(
    maple: Practice, owner: User, session_type: BookableType
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=0, horizon_days=2, requires_approval=False
    )
    wednesday_9am = MONDAY_9AM + timedelta(days=2)
    times = now_open(session_type)
    assert times[-1] == wednesday_9am  # exactly 2 days ahead: bookable, 9:50 is not
    with time_machine.travel(MONDAY_9AM - timedelta(minutes=1), tick=False):
        assert wednesday_9am not in now_open(session_type)


def test_days_off_remove_the_weekly_hours_and_extra_hours_add_to_a_date(
    maple: Practice, clinician: User, session_type: BookableType
) -> None:
    by = Actor.for_user(clinician)
    add_exception(
        clinician,
        by=by,
        kind=ExceptionKind.UNAVAILABLE,
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 2),
        start=None,
        end=None,
    )
    add_exception(
        clinician,
        by=by,
        kind=ExceptionKind.EXTRA,
        first_day=date(2026, 12, 2),
        last_day=None,
        start=time(18),
        end=time(19),
    )
    add_exception(
        clinician,
        by=by,
        kind=ExceptionKind.EXTRA,
        first_day=date(2026, 12, 5),  # a Saturday
        last_day=None,
        start=time(10),
        end=time(11),
    )
    times = now_open(session_type)
    assert clocks(maple, times, date(2026, 12, 1)) == []
    assert clocks(maple, times, date(2026, 12, 2)) == ["18:00 EST"]
    assert clocks(maple, times, date(2026, 12, 3))[0] == "09:00 EST"
    assert clocks(maple, times, date(2026, 12, 5)) == ["10:00 EST"]


def test_booked_and_requested_appointments_take_their_times_and_cancelled_ones_free_them(
    maple: Practice, casey: Client, clinician: User, owner: User, session_type: BookableType
) -> None:
    tuesday = date(2026, 12, 1)
    ten = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 AM EST, between the 9:50 and 10:40
    booked = book(casey, by=owner, clinician=clinician, starts_at=ten, minutes=30)
    two = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 2:00 PM EST
    requested = book(casey, by=owner, clinician=clinician, starts_at=two)
    Appointment.objects.filter(pk=requested.pk).update(status=AppointmentStatus.REQUESTED)
    assert clocks(maple, now_open(session_type), tuesday) == [
        "09:00 EST", "10:40 EST", "11:30 EST", "12:20 EST", "13:10 EST", "14:50 EST", "15:40 EST",
    ]  # fmt: skip
    cancel_appointment(booked, by=Actor.for_user(owner))
    assert "09:50 EST" in clocks(maple, now_open(session_type), tuesday)


def test_another_clinicians_appointments_do_not_take_this_ones_times(
    maple: Practice, casey: Client, lee: User, owner: User, session_type: BookableType
) -> None:
    book(casey, by=owner, clinician=lee, starts_at=datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert "09:00 EST" in clocks(maple, now_open(session_type), date(2026, 12, 1))


def test_a_time_outside_the_windows_does_not_fit(session_type: BookableType) -> None:
    tuesday_9am = MONDAY_9AM + timedelta(days=1)
    assert fits_availability(session_type, tuesday_9am)
    assert not fits_availability(session_type, tuesday_9am + timedelta(minutes=10))
    assert not fits_availability(session_type, tuesday_9am - timedelta(hours=1))


def test_a_month_of_open_times_costs_three_queries(session_type: BookableType) -> None:
    rules = scheduling_settings_of(session_type.practice)
    with CaptureQueriesContext(connection) as queries:
        times = open_times(session_type, rules, timezone.now())
    assert len(queries.captured_queries) == 3
    assert len(by_day(session_type.practice, times)) >= 20


# --- the nights the clocks change (America/New_York) --------------------------------------


def test_on_the_spring_forward_night_no_time_that_does_not_exist_is_offered(
    maple: Practice, clinician: User
) -> None:
    sunday = date(2027, 3, 14)  # 2:00 AM EST jumps to 3:00 AM EDT
    by = Actor.for_user(clinician)
    add_weekly_window(clinician, by=by, weekday=Weekday.SUNDAY, start=time(1), end=time(4))
    with time_machine.travel(datetime(2027, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        times = now_open(video_type(clinician, by=clinician))
    # 1:00 EST and 1:50 EST (ends 3:40 EDT); the window holds two real hours, not three.
    assert clocks(maple, times, sunday) == ["01:00 EST", "01:50 EST"]
    assert clocks(maple, times, date(2027, 3, 21)) == ["01:00 EDT", "01:50 EDT", "02:40 EDT"]


def test_a_window_starting_inside_the_spring_gap_starts_when_the_clocks_jump(
    maple: Practice, clinician: User
) -> None:
    by = Actor.for_user(clinician)
    add_weekly_window(clinician, by=by, weekday=Weekday.SUNDAY, start=time(2, 30), end=time(5))
    with time_machine.travel(datetime(2027, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        times = now_open(video_type(clinician, by=clinician, minutes=60))
    assert clocks(maple, times, date(2027, 3, 14)) == ["03:00 EDT", "04:00 EDT"]


def test_on_the_fall_back_night_the_window_starts_at_the_first_occurrence_and_holds_every_hour(
    maple: Practice, clinician: User
) -> None:
    sunday = date(2026, 11, 1)  # 2:00 AM EDT goes back to 1:00 AM EST
    by = Actor.for_user(clinician)
    add_weekly_window(clinician, by=by, weekday=Weekday.SUNDAY, start=time(1), end=time(3))
    with time_machine.travel(datetime(2026, 10, 28, 12, 0, tzinfo=UTC), tick=False):
        times = now_open(video_type(clinician, by=clinician))
    on_sunday = [m for m in times if local(maple, m).date() == sunday]
    # 1:00 AM EDT is the first 1:00 AM; three real hours to 3:00 AM EST; each time named once.
    assert clocks(maple, on_sunday, sunday) == ["01:00 EDT", "01:50 EDT", "01:40 EST"]
    assert on_sunday[0] == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert all(
        b - a == timedelta(minutes=50) for a, b in zip(on_sunday, on_sunday[1:], strict=False)
    )


def test_ordinary_days_around_a_clock_change_keep_their_wall_clock_hours(
    maple: Practice, session_type: BookableType
) -> None:
    with time_machine.travel(datetime(2027, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        times = now_open(session_type)
    assert clocks(maple, times, date(2027, 3, 12))[0] == "09:00 EST"  # Friday before
    assert clocks(maple, times, date(2027, 3, 15))[0] == "09:00 EDT"  # Monday after
