"""The reminder job: at the practice's lead time to the minute, once, never for a cancelled one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from portico.accounts.models import User
from portico.appointments.actions import cancel_appointment, update_appointment_settings
from portico.appointments.reminders import send_due_reminders
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.appointments.conftest import book

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
THURSDAY_3PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def reminders() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_REMINDER))


def test_the_reminder_goes_at_the_lead_time_to_the_minute_and_only_once(
    casey: Client, clinician: User, owner: User
) -> None:
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    due = THURSDAY_3PM - timedelta(hours=24)
    with time_machine.travel(due - timedelta(minutes=1), tick=False):
        assert send_due_reminders() == 0
    with time_machine.travel(due, tick=False):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        call_command("periodic", "--once", verbosity=0)
    sent = reminders()
    assert [email.to_address for email in sent] == ["casey@example.com"]
    assert "Thursday, December 3 at 3:00 PM EST" in sent[0].text_body
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == due


def test_the_lead_time_is_the_practices_own(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    update_appointment_settings(maple, by=Actor.for_user(owner), notice_hours=24, reminder_hours=2)
    book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    with time_machine.travel(THURSDAY_3PM - timedelta(hours=24), tick=False):
        assert send_due_reminders() == 0
    with time_machine.travel(THURSDAY_3PM - timedelta(hours=2), tick=False):
        assert send_due_reminders() == 1


def test_no_reminder_for_a_cancelled_or_past_appointment(
    casey: Client, noah: Client, clinician: User, owner: User
) -> None:
    cancelled = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    cancel_appointment(cancelled, by=Actor.for_user(owner))
    book(noah, by=owner, clinician=clinician, starts_at=THURSDAY_3PM + timedelta(hours=1))
    with time_machine.travel(THURSDAY_3PM + timedelta(hours=3), tick=False):
        assert send_due_reminders() == 0
    assert reminders() == []


def test_an_appointment_booked_inside_the_window_gets_no_second_email(
    casey: Client, clinician: User, owner: User
) -> None:
    book(casey, by=owner, clinician=clinician, starts_at=NOW + timedelta(hours=3))
    assert send_due_reminders() == 0
    assert OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_BOOKED).count() == 1


def test_a_moved_appointment_is_reminded_again_at_its_new_time(
    casey: Client, clinician: User, owner: User
) -> None:
    from portico.appointments.actions import Slot, change_appointment

    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    with time_machine.travel(THURSDAY_3PM - timedelta(hours=24), tick=False):
        assert send_due_reminders() == 1
        later = THURSDAY_3PM + timedelta(days=2)
        change_appointment(
            appointment,
            by=Actor.for_user(owner),
            slot=Slot(clinician=clinician, starts_at=later, duration_minutes=50, kind="in_person"),
        )
        assert send_due_reminders() == 0
    with time_machine.travel(later - timedelta(hours=24), tick=False):
        assert send_due_reminders() == 1
    assert len(reminders()) == 2
