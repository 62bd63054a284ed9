"""The practice's appointment rules: owners and administrators only, checked in words."""

from __future__ import annotations

from portico.accounts.models import User
from portico.appointments.rules import settings_of
from portico.audit.models import AuditEvent
from portico.practices.models import Practice
from tests.appointments.conftest import staff_session
from tests.cast import at


def test_the_defaults_are_24_hours_each(maple: Practice) -> None:
    rules = settings_of(maple)
    assert (rules.cancellation_notice_hours, rules.reminder_lead_hours) == (24, 24)


def test_the_owner_changes_the_notice_and_reminder_hours(maple: Practice, owner: User) -> None:
    http = staff_session(owner)
    assert "24" in http.get(at(maple, "staff_appointments:settings")).content.decode()
    response = http.post(
        at(maple, "staff_appointments:settings"),
        {"cancellation_notice_hours": "48", "reminder_lead_hours": "3"},
    )
    assert response.status_code == 302
    rules = settings_of(maple)
    assert (rules.cancellation_notice_hours, rules.reminder_lead_hours) == (48, 3)
    assert AuditEvent.objects.filter(action="appointments.settings.changed").exists()


def test_out_of_range_values_are_refused_in_words(maple: Practice, owner: User) -> None:
    response = staff_session(owner).post(
        at(maple, "staff_appointments:settings"),
        {"cancellation_notice_hours": "-1", "reminder_lead_hours": "200"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter 0 hours or more." in page and "Enter at most 168 hours (one week)." in page


def test_clinicians_and_front_desk_cannot_change_them(
    maple: Practice, clinician: User, front_desk: User
) -> None:
    for user in (clinician, front_desk):
        http = staff_session(user)
        assert http.get(at(maple, "staff_appointments:settings")).status_code == 403
        response = http.post(
            at(maple, "staff_appointments:settings"),
            {"cancellation_notice_hours": "1", "reminder_lead_hours": "1"},
        )
        assert response.status_code == 403
    assert settings_of(maple).cancellation_notice_hours == 24
