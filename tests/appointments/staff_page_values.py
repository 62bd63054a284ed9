"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portico.accounts.models import User
from portico.appointments.actions import Slot, book_appointment
from portico.audit.actor import Actor
from portico.clients.models import Client


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """A booked appointment of ``client`` with ``by`` (an owner) as the clinician."""
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    appointment = book_appointment(
        client.practice,
        by=Actor.for_user(by),
        client=client,
        slot=Slot(clinician=by, starts_at=starts, duration_minutes=50, kind="in_person"),
    )
    return {"appointment_id": str(appointment.public_id)}
