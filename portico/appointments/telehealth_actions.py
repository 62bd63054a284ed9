"""Telehealth writes: a join (checked by the gate, then audited) and the client's own consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from portico.appointments.telehealth import join_state
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.lib.localtime import day_and_time_with_zone

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.appointments.models import Appointment


@transaction.atomic
def join_video_appointment(appointment: Appointment, *, access: PortalAccess, by: Actor) -> str:
    """The room address to send the person to, after the gate said yes; audited (who, for whom,
    when). A refusal is a ValidationError carrying the reason in the client's words."""
    if appointment.client_id != access.client_id:
        raise PermissionDenied("No such appointment.")
    now = timezone.now()
    state = join_state(appointment, access, now)
    if not state.can_join:
        raise ValidationError(state.reason)
    with translation.override("en"):  # the audit log reads the same whoever acted
        when = day_and_time_with_zone(appointment.practice, appointment.starts_at)
    details = {
        "appointment": str(appointment.public_id),
        "when": when,
        "person": access.contact.full_name if access.contact else appointment.client.full_name,
        "side": "contact" if access.contact else "client",
    }
    if access.contact is not None:
        details["for"] = appointment.client.full_name
    record(
        Action.TELEHEALTH_JOINED,
        practice=appointment.practice,
        actor=by,
        client=appointment.client,
        details=details,
    )
    return state.room_url


@transaction.atomic
def record_client_consent(client: Client, *, given: bool, by: Actor) -> bool:
    """The client's own telehealth consent, recorded or withdrawn by staff; False if unchanged."""
    if by.user is None or by.user.kind != "staff" or by.user.practice_id != client.practice_id:
        raise PermissionDenied("Only the practice's staff record consent.")
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if (locked.telehealth_consent_at is not None) == given:
        return False
    locked.telehealth_consent_at = timezone.now() if given else None
    locked.telehealth_consent_by = by.user if given else None
    locked.save(update_fields=["telehealth_consent_at", "telehealth_consent_by"])
    client.telehealth_consent_at = locked.telehealth_consent_at
    client.telehealth_consent_by = locked.telehealth_consent_by
    record(
        Action.CLIENT_CONSENT_RECORDED if given else Action.CLIENT_CONSENT_WITHDRAWN,
        practice=client.practice,
        actor=by,
        client=client,
        details={"name": client.full_name, "kind": "telehealth"},
    )
    return True
