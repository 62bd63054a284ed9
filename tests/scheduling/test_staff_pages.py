"""Staff publish availability: who may publish for whom, bad input in words, the rules."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.practices.models import Practice
from portico.scheduling.models import BookableType, WeeklyWindow
from portico.scheduling.rules import scheduling_settings_of
from tests.appointments.conftest import staff_session
from tests.cast import at

MONDAY_9AM = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


def page_of(practice: Practice, clinician: User) -> str:
    return at(practice, "staff_scheduling:availability", clinician_id=clinician.pk)


def add_window(http: HttpClient, url: str, weekday: int, start: str, end: str) -> Any:
    return http.post(
        url,
        {"intent": "window", "window-weekday": weekday, "window-start": start, "window-end": end},
    )


def test_a_clinician_publishes_their_own_weekly_hours_and_it_is_recorded(
    maple: Practice, clinician: User
) -> None:
    http = staff_session(clinician)
    response = add_window(http, page_of(maple, clinician), 0, "09:00", "12:00")
    assert response.status_code == 302
    window = WeeklyWindow.objects.get(clinician=clinician)
    assert (window.weekday, window.start, window.end) == (0, time(9), time(12))
    event = AuditEvent.objects.get(action=Action.SCHEDULING_AVAILABILITY_CHANGED)
    assert event.details["change"] == "added Monday 9:00 AM–12:00 PM"
    page = http.get(page_of(maple, clinician)).content.decode()
    assert "9:00 AM–12:00 PM" in page and "America/New_York" in page


def test_a_clinician_cannot_open_another_clinicians_availability(
    maple: Practice, clinician: User, lee: User
) -> None:
    http = staff_session(clinician)
    assert http.get(page_of(maple, lee)).status_code == 404
    assert add_window(http, page_of(maple, lee), 0, "09:00", "12:00").status_code == 404
    assert not WeeklyWindow.objects.exists()


@pytest.mark.parametrize("who", ["owner", "front_desk"])
def test_owners_and_front_desk_publish_for_any_clinician(
    request: pytest.FixtureRequest, maple: Practice, clinician: User, who: str
) -> None:
    http = staff_session(request.getfixturevalue(who))
    assert add_window(http, page_of(maple, clinician), 1, "13:00", "17:00").status_code == 302
    assert WeeklyWindow.objects.filter(clinician=clinician).count() == 1


def test_front_desk_cannot_be_given_availability(
    maple: Practice, owner: User, front_desk: User
) -> None:
    assert staff_session(owner).get(page_of(maple, front_desk)).status_code == 404


def test_the_outsider_gets_404_for_another_practices_clinician(
    maple: Practice, birch: Practice, clinician: User, outsider_http: HttpClient
) -> None:
    url = at(birch, "staff_scheduling:availability", clinician_id=clinician.pk)
    assert outsider_http.get(url).status_code == 404
    assert add_window(outsider_http, url, 0, "09:00", "12:00").status_code == 404
    assert not WeeklyWindow.objects.exists()


def test_an_end_not_after_the_start_is_refused_on_the_end_field(
    maple: Practice, clinician: User
) -> None:
    response = add_window(staff_session(clinician), page_of(maple, clinician), 0, "12:00", "12:00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end must be later than the start." in page
    assert 'aria-describedby="id_window-end_error"' in page
    assert not WeeklyWindow.objects.exists()


def test_an_overlapping_window_is_refused_naming_the_one_it_overlaps(
    maple: Practice, clinician: User
) -> None:
    http = staff_session(clinician)
    add_window(http, page_of(maple, clinician), 2, "09:00", "12:00")
    response = add_window(http, page_of(maple, clinician), 2, "11:00", "14:00")
    assert response.status_code == 400
    assert "This overlaps Wednesday 9:00 AM–12:00 PM" in response.content.decode()
    assert WeeklyWindow.objects.count() == 1
    # Touching is not overlapping: 12:00 to 2:00 PM is fine.
    assert add_window(http, page_of(maple, clinician), 2, "12:00", "14:00").status_code == 302


def test_an_unknown_clinician_is_a_clear_error_or_404(maple: Practice, owner: User) -> None:
    http = staff_session(owner)
    response = http.get(at(maple, "staff_scheduling:index") + "?clinician=999999")
    assert response.status_code == 400
    assert "Choose a clinician of this practice." in response.content.decode()
    assert (
        http.get(at(maple, "staff_scheduling:availability", clinician_id=999999)).status_code == 404
    )


def test_days_off_and_extra_hours_are_checked_field_by_field(
    maple: Practice, clinician: User
) -> None:
    http = staff_session(clinician)
    url = page_of(maple, clinician)
    response = http.post(
        url,
        {
            "intent": "exception",
            "exception-kind": "unavailable",
            "exception-first_day": "2026-12-10",
            "exception-last_day": "2026-12-08",
        },
    )
    assert response.status_code == 400
    assert "The last day cannot be before the first day." in response.content.decode()
    response = http.post(
        url,
        {
            "intent": "exception",
            "exception-kind": "extra",
            "exception-first_day": "2026-12-12",
            "exception-start": "15:00",
            "exception-end": "14:00",
        },
    )
    assert response.status_code == 400
    assert "The end must be later than the start." in response.content.decode()
    response = http.post(
        url,
        {
            "intent": "exception",
            "exception-kind": "unavailable",
            "exception-first_day": "2026-11-01",
        },
    )
    assert "Choose today or a later date." in response.content.decode()
    response = http.post(
        url,
        {
            "intent": "exception",
            "exception-kind": "unavailable",
            "exception-first_day": "2026-12-24",
            "exception-last_day": "2026-12-26",
        },
    )
    assert response.status_code == 302
    assert "Not available Thu, Dec 24 to Sat, Dec 26" in http.get(url).content.decode()


def test_a_type_is_added_with_a_client_facing_name_and_in_person_needs_a_place(
    maple: Practice, clinician: User
) -> None:
    http = staff_session(clinician)
    url = page_of(maple, clinician)
    base = {"intent": "type", "type-name": "Session, 50 minutes", "type-duration_minutes": "50"}
    response = http.post(url, {**base, "type-kind": "in_person", "type-location": ""})
    assert response.status_code == 400
    assert "Say where clients come for an in-person appointment." in response.content.decode()
    response = http.post(url, {**base, "type-kind": "video", "type-duration_minutes": "0"})
    assert "The length must be at least 5 minutes." in response.content.decode()
    assert http.post(url, {**base, "type-kind": "video"}).status_code == 302
    bookable = BookableType.objects.get()
    assert AuditEvent.objects.filter(action=Action.SCHEDULING_TYPE_CHANGED).count() == 1
    response = http.post(url, {"intent": "retire_type", "target": str(bookable.public_id)})
    assert response.status_code == 302
    bookable.refresh_from_db()
    assert not bookable.active


def test_the_owner_sets_notice_horizon_and_approval(maple: Practice, owner: User) -> None:
    rules = scheduling_settings_of(maple)
    assert (rules.minimum_notice_hours, rules.horizon_days, rules.requires_approval) == (
        24,
        30,
        False,
    )
    http = staff_session(owner)
    url = at(maple, "staff_scheduling:settings")
    response = http.post(
        url, {"minimum_notice_hours": "48", "horizon_days": "60", "requires_approval": "on"}
    )
    assert response.status_code == 302
    rules.refresh_from_db()
    assert (rules.minimum_notice_hours, rules.horizon_days, rules.requires_approval) == (
        48,
        60,
        True,
    )
    event = AuditEvent.objects.get(action=Action.SCHEDULING_SETTINGS_CHANGED)
    assert event.details == {"notice_hours": "48", "horizon_days": "60", "requires_approval": "yes"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minimum_notice_hours", "337", "The notice can be at most 336 hours (two weeks)."),
        ("minimum_notice_hours", "-1", "The notice cannot be negative."),
        ("horizon_days", "0", "Clients must be able to book at least 1 day ahead."),
        ("horizon_days", "366", "At most 365 days ahead."),
    ],
)
def test_notice_and_horizon_out_of_range_are_refused_on_their_field(
    maple: Practice, owner: User, field: str, value: str, message: str
) -> None:
    data = {"minimum_notice_hours": "24", "horizon_days": "30", field: value}
    response = staff_session(owner).post(at(maple, "staff_scheduling:settings"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page


def test_a_notice_longer_than_the_horizon_is_refused(maple: Practice, owner: User) -> None:
    response = staff_session(owner).post(
        at(maple, "staff_scheduling:settings"), {"minimum_notice_hours": "72", "horizon_days": "2"}
    )
    assert response.status_code == 400
    assert "the notice is longer than how far ahead" in response.content.decode()


@pytest.mark.parametrize("who", ["clinician", "front_desk"])
def test_only_owners_and_administrators_change_the_rules(
    request: pytest.FixtureRequest, maple: Practice, who: str
) -> None:
    http = staff_session(request.getfixturevalue(who))
    response = http.post(
        at(maple, "staff_scheduling:settings"), {"minimum_notice_hours": "1", "horizon_days": "5"}
    )
    assert response.status_code in (403, 404)
    assert scheduling_settings_of(maple).minimum_notice_hours == 24
