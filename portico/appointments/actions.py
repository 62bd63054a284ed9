"""Every write about appointments: book, move or change, cancel (staff or client), settings.

The overlap check is race-safe: each booking or move locks the clinician's staff
membership row (``select_for_update``) before it looks for a conflicting
appointment, so two bookings for one clinician run one after the other (on
SQLite every write transaction is already serialised).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from portico.appointments.emails import send_appointment_email
from portico.appointments.models import (
    MAX_DURATION_MINUTES,
    Appointment,
    AppointmentKind,
    AppointmentSettings,
    AppointmentStatus,
    CancelledBy,
)
from portico.appointments.rules import (
    BOOKABLE_ROLES,
    client_may_cancel,
    sees_only_own,
    settings_of,
)
from portico.appointments.when import span
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import day_and_time_with_zone
from portico.mail.models import EmailKind
from portico.practices.models import StaffMembership

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.accounts.models import User
    from portico.clients.models import Client
    from portico.practices.models import Practice


@dataclass(frozen=True)
class Slot:
    """What staff chose: who with whom, when, how long, how and where."""

    clinician: User
    starts_at: datetime
    duration_minutes: int
    kind: str
    location: str = ""
    client_note: str = ""


def _staff_user(by: Actor) -> User:
    if by.user is None or by.user.kind != "staff":
        raise PermissionDenied("Only staff book appointments.")
    return by.user


def _check_slot(practice: Practice, by: User, slot: Slot, now: datetime) -> None:
    """Refuse what can never be booked, each problem on the field it belongs to."""
    problems: dict[str, str] = {}
    if sees_only_own(by) and slot.clinician.pk != by.pk:
        raise PermissionDenied("Clinicians book their own appointments only.")
    membership = getattr(slot.clinician, "membership", None)
    if (
        slot.clinician.practice_id != practice.pk
        or not slot.clinician.is_active
        or membership is None
        or membership.role not in BOOKABLE_ROLES
    ):
        problems["clinician"] = pgettext("staff", "Choose a clinician of this practice.")
    if not 1 <= slot.duration_minutes <= MAX_DURATION_MINUTES:
        problems["duration_minutes"] = pgettext(
            "staff", "The length must be between 1 minute and 8 hours (480)."
        )
    if slot.kind not in AppointmentKind.values:
        problems["kind"] = pgettext("staff", "Choose in person or video.")
    if slot.starts_at <= now:
        problems["time"] = pgettext(
            "staff", "That time has already passed (%(when)s). Choose a time in the future."
        ) % {"when": day_and_time_with_zone(practice, slot.starts_at)}
    if problems:
        raise ValidationError(problems)


def _refuse_overlap(practice: Practice, slot: Slot, *, ignoring: Appointment | None) -> None:
    """Lock the clinician's row, then refuse a booked (or requested) appointment that overlaps."""
    StaffMembership.objects.select_for_update().filter(user=slot.clinician).first()
    ends_at = slot.starts_at + timedelta(minutes=slot.duration_minutes)
    clashes = Appointment.objects.filter(
        practice=practice,
        clinician=slot.clinician,
        # A self-booked request waiting for approval holds its time like a booking.
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.REQUESTED],
        starts_at__lt=ends_at,
        ends_at__gt=slot.starts_at,
    ).order_by("starts_at")
    if ignoring is not None:
        clashes = clashes.exclude(pk=ignoring.pk)
    clash = clashes.first()
    if clash is not None:
        name = slot.clinician.full_name or slot.clinician.username
        message = pgettext(
            "staff", "%(clinician)s already has an appointment %(when)s. Choose another time."
        ) % {"clinician": name, "when": span(practice, clash.starts_at, clash.ends_at)}
        raise ValidationError({"time": message})


def _reminder_already_due(practice: Practice, starts_at: datetime, now: datetime) -> bool:
    """Booked inside the reminder window: the confirmation is the reminder."""
    return starts_at - settings_of(practice).reminder_lead <= now


def _details(appointment: Appointment) -> dict[str, str]:
    clinician = appointment.clinician
    with translation.override("en"):  # the audit log reads the same whoever acted
        return {
            "appointment": str(appointment.public_id),
            "when": day_and_time_with_zone(appointment.practice, appointment.starts_at),
            "minutes": str(appointment.duration_minutes),
            "kind": AppointmentKind(appointment.kind).label.lower(),
            "clinician": clinician.full_name or clinician.username,
        }


@transaction.atomic
def book_appointment(practice: Practice, *, by: Actor, client: Client, slot: Slot) -> Appointment:
    staff = _staff_user(by)
    if client.practice_id != practice.pk:
        raise PermissionDenied("No such client.")
    now = timezone.now()
    if client.archived_at is not None:
        raise ValidationError(
            {"client": pgettext("staff", "This client is archived: restore them first.")}
        )
    _check_slot(practice, staff, slot, now)
    _refuse_overlap(practice, slot, ignoring=None)
    appointment = Appointment.objects.create(
        practice=practice,
        client=client,
        clinician=slot.clinician,
        starts_at=slot.starts_at,
        ends_at=slot.starts_at + timedelta(minutes=slot.duration_minutes),
        duration_minutes=slot.duration_minutes,
        kind=slot.kind,
        location=slot.location,
        client_note=slot.client_note,
        created_by=staff,
        created_at=now,
        updated_at=now,
        reminder_sent_at=now if _reminder_already_due(practice, slot.starts_at, now) else None,
    )
    record(
        Action.APPOINTMENT_BOOKED,
        practice=practice,
        actor=by,
        client=client,
        details=_details(appointment),
    )
    send_appointment_email(appointment, EmailKind.APPOINTMENT_BOOKED)
    return appointment


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("practice", "client", "clinician")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def change_appointment(appointment: Appointment, *, by: Actor, slot: Slot) -> Appointment:
    """Move or change a booked appointment; the client is emailed if anything they see changed."""
    staff = _staff_user(by)
    appointment = _lock(appointment)
    practice = appointment.practice
    now = timezone.now()
    if not appointment.is_booked:
        raise ValidationError(
            pgettext("staff", "This appointment is cancelled: book a new one instead.")
        )
    if appointment.starts_at <= now:
        raise ValidationError(
            pgettext("staff", "This appointment has already started and can no longer be changed.")
        )
    if sees_only_own(staff) and appointment.clinician_id != staff.pk:
        raise PermissionDenied("Clinicians change their own appointments only.")
    _check_slot(practice, staff, slot, now)
    _refuse_overlap(practice, slot, ignoring=appointment)
    was = day_and_time_with_zone(practice, appointment.starts_at)
    moved = slot.starts_at != appointment.starts_at
    seen_by_client = (
        moved
        or slot.duration_minutes != appointment.duration_minutes
        or slot.kind != appointment.kind
        or slot.location != appointment.location
    )
    changed_anything = seen_by_client or (
        slot.clinician.pk != appointment.clinician_id or slot.client_note != appointment.client_note
    )
    if not changed_anything:
        return appointment
    appointment.clinician = slot.clinician
    appointment.starts_at = slot.starts_at
    appointment.duration_minutes = slot.duration_minutes
    appointment.ends_at = slot.starts_at + timedelta(minutes=slot.duration_minutes)
    appointment.kind = slot.kind
    appointment.location = slot.location
    appointment.client_note = slot.client_note
    appointment.updated_at = now
    fields = [
        "clinician",
        "starts_at",
        "duration_minutes",
        "ends_at",
        "kind",
        "location",
        "client_note",
        "updated_at",
    ]
    if seen_by_client:
        appointment.sequence += 1
        fields.append("sequence")
    if moved:
        # A new time gets its own reminder, unless it is already inside the window.
        due = _reminder_already_due(practice, slot.starts_at, now)
        appointment.reminder_sent_at = now if due else None
        fields.append("reminder_sent_at")
    appointment.save(update_fields=fields)
    details = _details(appointment)
    if moved:
        details["was"] = was
    record(
        Action.APPOINTMENT_CHANGED,
        practice=practice,
        actor=by,
        client=appointment.client,
        details=details,
    )
    if seen_by_client:
        send_appointment_email(appointment, EmailKind.APPOINTMENT_CHANGED)
    return appointment


def _cancel(appointment: Appointment, *, by: Actor, side: CancelledBy, now: datetime) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = by.user
    appointment.cancelled_by_side = side
    appointment.sequence += 1
    appointment.updated_at = now
    appointment.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancelled_by_side",
            "sequence",
            "updated_at",
        ]
    )
    details = _details(appointment)
    with translation.override("en"):  # the audit log reads the same whoever acted
        details["side"] = str(CancelledBy(side).label)
    record(
        Action.APPOINTMENT_CANCELLED,
        practice=appointment.practice,
        actor=by,
        client=appointment.client,
        details=details,
    )
    send_appointment_email(appointment, EmailKind.APPOINTMENT_CANCELLED)


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, by: Actor) -> Appointment:
    """Staff cancel: any time before it ends (a no-show is not a cancellation)."""
    staff = _staff_user(by)
    appointment = _lock(appointment)
    now = timezone.now()
    if sees_only_own(staff) and appointment.clinician_id != staff.pk:
        raise PermissionDenied("Clinicians cancel their own appointments only.")
    if not appointment.is_booked:
        raise ValidationError(pgettext("staff", "This appointment is already cancelled."))
    if appointment.ends_at <= now:
        raise ValidationError(
            pgettext("staff", "This appointment is over and can no longer be cancelled.")
        )
    _cancel(appointment, by=by, side=CancelledBy.PRACTICE, now=now)
    return appointment


@transaction.atomic
def cancel_appointment_as_client(
    appointment: Appointment, *, access: PortalAccess, by: Actor
) -> Appointment:
    """The client (or a contact acting for them) cancels, up to the practice's notice period."""
    appointment = _lock(appointment)
    if appointment.client_id != access.client_id:
        raise PermissionDenied("No such appointment.")
    now = timezone.now()
    if appointment.is_cancelled:
        raise ValidationError(gettext("This appointment is already cancelled."))
    rules = settings_of(appointment.practice)
    if not client_may_cancel(appointment, rules, now):
        raise ValidationError(
            gettext(
                "It is too late to cancel here: %(practice)s asks for %(hours)s hours' notice. "
                "Please call the practice."
            )
            % {"practice": appointment.practice.name, "hours": rules.cancellation_notice_hours}
        )
    _cancel(appointment, by=by, side=CancelledBy.CLIENT, now=now)
    return appointment


@transaction.atomic
def update_appointment_settings(
    practice: Practice, *, by: Actor, notice_hours: int, reminder_hours: int
) -> AppointmentSettings:
    rules = AppointmentSettings.objects.select_for_update().filter(practice=practice).first()
    if rules is None:
        rules = settings_of(practice)
    if (rules.cancellation_notice_hours, rules.reminder_lead_hours) == (
        notice_hours,
        reminder_hours,
    ):
        return rules
    rules.cancellation_notice_hours = notice_hours
    rules.reminder_lead_hours = reminder_hours
    rules.updated_at = timezone.now()
    rules.updated_by = by.user
    rules.full_clean(exclude=["practice", "updated_by"])
    rules.save()
    record(
        Action.APPOINTMENT_SETTINGS_CHANGED,
        practice=practice,
        actor=by,
        details={"notice_hours": str(notice_hours), "reminder_hours": str(reminder_hours)},
    )
    return rules
