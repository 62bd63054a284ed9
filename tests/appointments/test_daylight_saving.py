"""Local times where New York's clocks change: the spring gap is refused, the autumn fold asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from portico.accounts.models import User
from portico.appointments.models import Appointment
from portico.appointments.when import LocalTimeProblem, Occurrence, aware_start, span
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.appointments.conftest import staff_session
from tests.cast import at

SPRING_FORWARD = date(2027, 3, 14)  # 2:00 AM EST becomes 3:00 AM EDT
FALL_BACK = date(2027, 11, 7)  # 2:00 AM EDT becomes 1:00 AM EST


@pytest.fixture(autouse=True)
def _early_2027() -> object:
    with time_machine.travel(datetime(2027, 1, 4, 15, 0, tzinfo=UTC), tick=False):
        yield


def booking(
    client: Client, clinician: User, day: date, at_time: str, **extra: str
) -> dict[str, object]:
    return {
        "client": str(client.public_id),
        "clinician": clinician.pk,
        "date": day.isoformat(),
        "time": at_time,
        "duration_minutes": 50,
        "kind": "video",
        "location": "",
        "client_note": "",
        **extra,
    }


def test_a_time_in_the_spring_gap_does_not_exist_and_says_so(maple: Practice) -> None:
    with pytest.raises(LocalTimeProblem) as problem:
        aware_start(maple, SPRING_FORWARD, time(2, 30))
    assert "2:30 AM does not exist on Sun, Mar 14 in America/New_York" in str(problem.value)
    assert "the clocks go forward" in str(problem.value)
    assert not problem.value.ambiguous


def test_the_minutes_around_the_spring_gap_are_ordinary(maple: Practice) -> None:
    assert aware_start(maple, SPRING_FORWARD, time(1, 59)) == datetime(
        2027, 3, 14, 6, 59, tzinfo=UTC
    )
    assert aware_start(maple, SPRING_FORWARD, time(3, 0)) == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)


def test_a_time_in_the_autumn_fold_is_asked_for_and_each_answer_is_an_hour_apart(
    maple: Practice,
) -> None:
    with pytest.raises(LocalTimeProblem) as problem:
        aware_start(maple, FALL_BACK, time(1, 30))
    assert problem.value.ambiguous
    assert "1:30 AM happens twice on Sun, Nov 7" in str(problem.value)
    assert "the first 1:30 AM (EDT) or the second (EST)" in str(problem.value)
    first = aware_start(maple, FALL_BACK, time(1, 30), Occurrence.FIRST)
    second = aware_start(maple, FALL_BACK, time(1, 30), Occurrence.SECOND)
    assert first == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert second == first + timedelta(hours=1)


def test_staff_booking_in_the_gap_get_an_error_on_the_time(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    response = staff_session(owner).post(
        at(maple, "staff_appointments:new"), booking(casey, clinician, SPRING_FORWARD, "02:30")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_time_error"' in page and "does not exist" in page
    assert not Appointment.objects.exists()


def test_staff_booking_in_the_fold_choose_which_one_and_get_it(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    http = staff_session(owner)
    asked = http.post(
        at(maple, "staff_appointments:new"), booking(casey, clinician, FALL_BACK, "01:30")
    )
    assert asked.status_code == 400
    page = asked.content.decode()
    assert "happens twice" in page
    assert "The first 1:30 AM (EDT), before the clocks go back" in page
    assert "The second 1:30 AM (EST), after the clocks go back" in page
    assert not Appointment.objects.exists()
    chosen = http.post(
        at(maple, "staff_appointments:new"),
        booking(casey, clinician, FALL_BACK, "01:30", occurrence="second"),
    )
    assert chosen.status_code == 302, chosen.content.decode()[:2000]
    booked = Appointment.objects.get()
    assert booked.starts_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    edit = http.get(at(maple, "staff_appointments:edit", booked.public_id)).content.decode()
    assert 'value="second"' in edit and "checked" in edit.split('value="second"')[1][:40]


def test_an_appointment_across_the_change_lasts_its_real_minutes(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    """1:30 AM EDT for 60 minutes ends at 1:30 AM EST: an hour, though the clock shows none."""
    response = staff_session(owner).post(
        at(maple, "staff_appointments:new"),
        booking(casey, clinician, FALL_BACK, "01:30", occurrence="first", duration_minutes="60"),
    )
    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert booked.ends_at - booked.starts_at == timedelta(hours=1)
    assert span(maple, booked.starts_at, booked.ends_at) == "1:30 AM EDT–1:30 AM EST on Sun, Nov 7"
