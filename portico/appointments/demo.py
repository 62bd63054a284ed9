"""Demo appointments (for seed_demo): today, this week, and one in the past.

- Alex Active: a video appointment later today, and an in-person one in four days.
- The family's first child: an in-person appointment in two days (the parent sees it).
- Alex Active: one in-person appointment last week (shown under "Past").

Booked with the real action (so the confirmation emails are in the outbox); the
past one is booked ahead and then moved back in time, as the demo does for links.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.appointments.actions import Slot, book_appointment
from portico.appointments.models import Appointment, AppointmentKind
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice


def _next_hour(hours: int) -> datetime:
    now = timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


@transaction.atomic
def seed_appointments_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> list[Appointment]:
    by = Actor.for_user(owner)
    made: list[Appointment] = []

    def book(
        client: Client, starts_at: datetime, kind: str, location: str, note: str = ""
    ) -> Appointment:
        appointment = book_appointment(
            practice,
            by=by,
            client=client,
            slot=Slot(
                clinician=owner,
                starts_at=starts_at,
                duration_minutes=50,
                kind=kind,
                location=location,
                client_note=note,
            ),
        )
        made.append(appointment)
        return appointment

    active = clients.get("active")
    if active is not None:
        book(
            active,
            _next_hour(2),
            AppointmentKind.VIDEO,
            "",
            "The video link comes from the practice.",
        )
        book(
            active,
            _next_hour(4 * 24 + 1),
            AppointmentKind.IN_PERSON,
            "Room 2",
            "Please arrive 10 minutes early.",
        )
        past = book(active, _next_hour(24 * 9), AppointmentKind.IN_PERSON, "Room 2")
        week_ago = _next_hour(-24 * 7)
        Appointment.objects.filter(pk=past.pk).update(
            starts_at=week_ago,
            ends_at=week_ago + timedelta(minutes=50),
            created_at=week_ago - timedelta(days=7),
            reminder_sent_at=week_ago - timedelta(days=1),
        )
    child = (
        PortalAccess.objects.filter(user=family_parent, ended_at=None, contact__isnull=False)
        .select_related("client")
        .order_by("id")
        .first()
    )
    if child is not None:
        book(child.client, _next_hour(2 * 24 + 3), AppointmentKind.IN_PERSON, "Room 1")
    return made
