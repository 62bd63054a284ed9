"""Every appointment email, for every kind of appointment: date, time, zone, place; nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portico.accounts.models import User
from portico.appointments.actions import Slot, cancel_appointment, change_appointment
from portico.appointments.emails import recipients
from portico.appointments.models import AppointmentKind
from portico.appointments.reminders import send_due_reminders
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.rendering import render_email
from portico.practices.models import Practice
from tests.appointments.conftest import book
from tests.cast import Family

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
THURSDAY_3PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
NOTE = "Bring the anxiety worksheet"
APPOINTMENT_KINDS = (
    EmailKind.APPOINTMENT_BOOKED,
    EmailKind.APPOINTMENT_CHANGED,
    EmailKind.APPOINTMENT_CANCELLED,
    EmailKind.APPOINTMENT_REMINDER,
)


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("kind", [AppointmentKind.IN_PERSON, AppointmentKind.VIDEO])
def test_no_note_clinician_or_reason_in_any_appointment_email(
    casey: Client, lee: User, owner: User, kind: str
) -> None:
    appointment = book(
        casey,
        by=owner,
        clinician=lee,
        starts_at=THURSDAY_3PM,
        kind=kind,
        location="Room 2" if kind == AppointmentKind.IN_PERSON else "",
        note=NOTE,
    )
    change_appointment(
        appointment,
        by=Actor.for_user(owner),
        slot=Slot(
            clinician=lee,
            starts_at=THURSDAY_3PM + timedelta(hours=1),
            duration_minutes=50,
            kind=kind,
            location=appointment.location,
            client_note=NOTE,
        ),
    )
    with time_machine.travel(THURSDAY_3PM, tick=False):
        assert send_due_reminders() == 1
        cancel_appointment(appointment, by=Actor.for_user(owner))
    emails = list(OutboundEmail.objects.filter(kind__in=APPOINTMENT_KINDS))
    assert sorted(e.kind for e in emails) == sorted(APPOINTMENT_KINDS)
    for email in emails:
        for part in (email.subject, email.text_body, email.html_body):
            assert NOTE not in part and "anxiety" not in part
            assert "Lee" not in part and "Dr." not in part
            assert "Casey Client" not in part and "1990" not in part
            assert "Maple Counseling" in part
        for part in (email.text_body, email.html_body):
            assert "EST" in part
            assert ("Video" if kind == AppointmentKind.VIDEO else "In person") in part
            assert "/appointments/" in part and "calendar.ics" in part
        assert ("Room 2" in email.text_body) == (kind == AppointmentKind.IN_PERSON)


def test_whatever_a_caller_passes_only_the_allowed_values_reach_the_email(maple: Practice) -> None:
    for kind in APPOINTMENT_KINDS:
        rendered = render_email(
            maple,
            kind,
            {
                "appointment_when": THURSDAY_3PM,
                "appointment_kind": "Video",
                "reason": "Depression follow-up",
                "clinician_specialty": "Psychiatry",
                "client_note": NOTE,
            },
        )
        for part in (rendered.subject, rendered.text, rendered.html):
            assert "Depression" not in part and "Psychiatry" not in part and NOTE not in part
        assert "Thursday, December 3 at 3:00 PM EST" in rendered.text


def test_a_minors_emails_go_to_the_guardians_with_access(
    family: Family, clinician: User, owner: User
) -> None:
    appointment = book(family.mia, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    assert [r.address for r in recipients(appointment)] == ["pat.parent@example.com"]


def test_the_notification_switches_are_respected(
    casey: Client, clinician: User, owner: User
) -> None:
    casey.email_notifications_enabled = False
    casey.save(update_fields=["email_notifications_enabled"])
    book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    assert not OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_BOOKED).exists()


def test_a_contact_with_access_off_is_not_emailed(
    maple: Practice, family: Family, clinician: User, owner: User
) -> None:
    from portico.access.models import PortalAccess

    PortalAccess.objects.filter(contact=family.pat_for_mia).update(enabled=False)
    appointment = book(family.mia, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    assert recipients(appointment) == []


def test_no_email_while_the_practice_has_the_portals_appointments_off(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != "appointments"]
    maple.save(update_fields=["portal_features"])
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    cancel_appointment(appointment, by=Actor.for_user(owner))
    assert not OutboundEmail.objects.filter(kind__in=APPOINTMENT_KINDS).exists()


def test_practices_can_edit_the_appointment_emails_with_the_same_values_only(
    maple: Practice,
) -> None:
    from portico.mail.placeholders import check_template
    from portico.mail.rendering import default_template_source, preview_email

    for kind in APPOINTMENT_KINDS:
        subject, body = default_template_source(maple, kind)
        assert "{{ appointment_when }}" in body and "{{ calendar_link }}" in body
        assert check_template(body, kind) == [] and check_template(subject, kind) == []
        assert check_template("{{ client_note }}", kind)  # not a placeholder of these emails
        preview = preview_email(maple, kind)
        assert "Room 2" in preview.text and "In person" in preview.text
