"""Demo telehealth (for seed_demo): a practice room, and two video appointments today.

- Alex Active: a video appointment that started 5 minutes ago and lasts 50 minutes,
  so **Join** works for the next 45 minutes (room: https://meet.example.com/lakeside).
- The family's younger child (Theo), whose parent has no telehealth consent recorded:
  a video appointment later today; the parent's portal says why Join is not available,
  and staff see "Record telehealth consent for Jordan Rivera" next to it.

Booked with the real action; the one already in progress is booked ahead and moved
back, as the appointments demo does for its past appointment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.appointments.actions import Slot, book_appointment
from portico.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from portico.appointments.rooms import set_practice_room
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice

DEMO_ROOM = "https://meet.example.com/lakeside"
MINUTES = 50


def _busy(clinician: User, starts_at: datetime, ends_at: datetime) -> bool:
    return Appointment.objects.filter(
        clinician=clinician,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.REQUESTED],
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()


def _free_from(clinician: User, earliest: datetime) -> datetime:
    """The first start on a 5-minute step from ``earliest`` where the clinician is free."""
    start = earliest.replace(second=0, microsecond=0)
    start += timedelta(minutes=-start.minute % 5)
    while _busy(clinician, start, start + timedelta(minutes=MINUTES)):
        start += timedelta(minutes=5)
    return start


def _slot(owner: User, starts_at: datetime, note: str = "") -> Slot:
    return Slot(
        clinician=owner,
        starts_at=starts_at,
        duration_minutes=MINUTES,
        kind=AppointmentKind.VIDEO,
        client_note=note,
    )


@transaction.atomic
def seed_telehealth_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> list[Appointment]:
    by = Actor.for_user(owner)
    if PortalFeature.TELEHEALTH.value not in (practice.portal_features or []):
        practice.portal_features = [*(practice.portal_features or []), PortalFeature.TELEHEALTH]
        practice.save(update_fields=["portal_features"])
    set_practice_room(practice, by=by, url=DEMO_ROOM)
    made: list[Appointment] = []
    now = timezone.now().replace(second=0, microsecond=0)
    active = clients.get("active")
    if active is not None:
        # Joinable now: booked ahead at a free time, then moved to "started 5 minutes ago".
        starts_at = now - timedelta(minutes=5)
        ahead = _free_from(owner, now + timedelta(days=30))
        joinable = book_appointment(
            practice,
            by=by,
            client=active,
            slot=_slot(owner, ahead, "Press Join in the portal a few minutes before."),
        )
        Appointment.objects.filter(pk=joinable.pk).update(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=MINUTES),
            reminder_sent_at=starts_at - timedelta(hours=1),
        )
        joinable.refresh_from_db()
        made.append(joinable)
    theo = (
        PortalAccess.objects.filter(
            user=family_parent,
            ended_at=None,
            contact__isnull=False,
            contact__telehealth_consent_at__isnull=True,
        )
        .select_related("client")
        .order_by("id")
        .first()
    )
    if theo is not None:
        later = _free_from(owner, now + timedelta(minutes=MINUTES + 10))
        made.append(book_appointment(practice, by=by, client=theo.client, slot=_slot(owner, later)))
    return made
