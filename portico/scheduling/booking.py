"""Client self-booking, and staff approving or declining what clients requested.

Race safety is the appointments app's own: ``_refuse_overlap`` locks the
clinician's staff membership row (``select_for_update``) and then looks for an
overlapping booked or requested appointment, so of any number of clients booking
one slot at once exactly one gets it; the others get ``SlotTaken``.
``book_appointment`` itself is for staff (it refuses a portal actor), so the
portal booking is written here on the same lock and the same emails.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from portico.appointments.actions import (
    Slot,
    _refuse_overlap,  # the clinician-row lock and overlap check every booking goes through
    _reminder_already_due,
)
from portico.appointments.emails import send_appointment_email
from portico.appointments.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancelledBy,
)
from portico.appointments.rules import BOOKABLE_ROLES, sees_only_own
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import day_and_time_with_zone
from portico.mail.models import EmailKind
from portico.scheduling.rules import scheduling_settings_of
from portico.scheduling.slots import Bounds, fits_availability
from portico.scheduling.wording import name_of

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.accounts.models import User
    from portico.audit.actor import Actor
    from portico.clients.models import Client
    from portico.scheduling.models import BookableType


class SlotTaken(Exception):
    """Someone else booked (or requested) an overlapping time first."""


class NotBookable(Exception):
    """The time is not one clients may book: outside availability, too soon or too far."""


def _details(appointment: Appointment, bookable: BookableType | None = None) -> dict[str, str]:
    with translation.override("en"):  # the audit log reads the same whoever acted
        details = {
            "appointment": str(appointment.public_id),
            "when": day_and_time_with_zone(appointment.practice, appointment.starts_at),
            "minutes": str(appointment.duration_minutes),
            "kind": AppointmentKind(appointment.kind).label.lower(),
            "clinician": name_of(appointment.clinician),
        }
    if bookable is not None:
        details["type"] = bookable.name
    return details


def _check_bookable(bookable: BookableType, clinician: User, start: datetime) -> None:
    practice = bookable.practice
    membership = getattr(clinician, "membership", None)
    if (
        not bookable.active
        or bookable.clinician_id != clinician.pk
        or clinician.practice_id != practice.pk
        or not clinician.is_active
        or membership is None
        or membership.role not in BOOKABLE_ROLES
    ):
        raise NotBookable(gettext("This kind of appointment can no longer be booked here."))
    now = timezone.now()
    rules = scheduling_settings_of(practice)
    bounds = Bounds.of(rules, now)
    if start < bounds.earliest:
        raise NotBookable(
            gettext(
                "That time is too soon: %(practice)s asks for at least %(hours)s hours' notice."
            )
            % {"practice": practice.name, "hours": rules.minimum_notice_hours}
        )
    if start > bounds.latest:
        raise NotBookable(
            gettext("That time is too far ahead: you can book up to %(days)s days ahead.")
            % {"days": rules.horizon_days}
        )
    if not fits_availability(bookable, start):
        raise NotBookable(
            gettext("%(clinician)s is not available for booking at that time.")
            % {"clinician": name_of(clinician)}
        )


@transaction.atomic
def self_book(
    access: PortalAccess,
    *,
    by: Actor,
    bookable: BookableType,
    clinician: User,
    starts_at: datetime,
) -> Appointment:
    """Book (or, with approval on, request) ``bookable`` at ``starts_at`` for the access's client.

    Raises NotBookable for a time outside the rules, SlotTaken when someone was faster.
    """
    client = access.client
    practice = bookable.practice
    if client.practice_id != practice.pk or access.practice_id != practice.pk:
        raise PermissionDenied("No such client.")
    if not access.enabled or access.ended_at is not None or client.archived_at is not None:
        raise PermissionDenied("This portal access is off.")
    _check_bookable(bookable, clinician, starts_at)
    _refuse_hoarding(client)
    slot = Slot(
        clinician=clinician,
        starts_at=starts_at,
        duration_minutes=bookable.duration_minutes,
        kind=bookable.kind,
        location=bookable.location,
    )
    try:
        _refuse_overlap(practice, slot, ignoring=None)
    except ValidationError as taken:
        raise SlotTaken("That time was just taken.") from taken
    now = timezone.now()
    requested = scheduling_settings_of(practice).requires_approval
    appointment = Appointment.objects.create(
        practice=practice,
        client=client,
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + bookable.duration,
        duration_minutes=bookable.duration_minutes,
        kind=bookable.kind,
        location=bookable.location,
        status=AppointmentStatus.REQUESTED if requested else AppointmentStatus.BOOKED,
        booked_through=access,
        created_by=by.user,
        created_at=now,
        updated_at=now,
        reminder_sent_at=now if _reminder_already_due(practice, starts_at, now) else None,
    )
    record(
        Action.SCHEDULING_REQUESTED if requested else Action.SCHEDULING_SELF_BOOKED,
        practice=practice,
        actor=by,
        client=client,
        details=_details(appointment, bookable),
    )
    if not requested:
        send_appointment_email(appointment, EmailKind.APPOINTMENT_BOOKED)
    return appointment


# One client's side cannot take every open time of a practice: beyond this many upcoming
# self-booked (or requested) appointments, they call the practice.
MAX_UPCOMING_SELF_BOOKED = 3


def _refuse_hoarding(client: Client) -> None:
    upcoming = Appointment.objects.filter(
        client=client,
        booked_through__isnull=False,
        status__in=[AppointmentStatus.BOOKED, AppointmentStatus.REQUESTED],
        starts_at__gt=timezone.now(),
    ).count()
    if upcoming >= MAX_UPCOMING_SELF_BOOKED:
        practice = client.practice
        values = {"count": upcoming, "practice": practice.name, "phone": practice.phone}
        raise NotBookable(
            gettext(
                "You already have %(count)s upcoming appointments booked here. "
                "To book another, call %(practice)s at %(phone)s."
            )
            % values
            if practice.phone
            else gettext(
                "You already have %(count)s upcoming appointments booked here. "
                "To book another, call %(practice)s."
            )
            % values
        )


def _lock_request(appointment: Appointment, by: Actor) -> Appointment:
    user = by.user
    if user is None or user.kind != "staff":
        raise PermissionDenied("Only staff approve requests.")
    locked = (
        Appointment.objects.select_for_update()
        .select_related("practice", "client", "clinician")
        .get(pk=appointment.pk)
    )
    if locked.practice_id != user.practice_id or (
        sees_only_own(user) and locked.clinician_id != user.pk
    ):
        raise PermissionDenied("No such appointment.")
    if locked.status != AppointmentStatus.REQUESTED:
        raise ValidationError(pgettext("staff", "This request has already been answered."))
    return locked


@transaction.atomic
def approve_request(appointment: Appointment, *, by: Actor) -> Appointment:
    """Requested → booked; the client's side gets the confirmation with the calendar link."""
    appointment = _lock_request(appointment, by)
    now = timezone.now()
    if appointment.starts_at <= now:
        raise ValidationError(
            pgettext("staff", "This time has already passed: decline it instead.")
        )
    appointment.status = AppointmentStatus.BOOKED
    appointment.updated_at = now
    if _reminder_already_due(appointment.practice, appointment.starts_at, now):
        appointment.reminder_sent_at = now  # the confirmation is the reminder
    appointment.save(update_fields=["status", "updated_at", "reminder_sent_at"])
    record(
        Action.SCHEDULING_APPROVED,
        practice=appointment.practice,
        actor=by,
        client=appointment.client,
        details=_details(appointment),
    )
    send_appointment_email(appointment, EmailKind.APPOINTMENT_BOOKED)
    return appointment


@transaction.atomic
def decline_request(appointment: Appointment, *, by: Actor) -> Appointment:
    """Requested → cancelled by the practice; the client's side gets the cancellation email."""
    appointment = _lock_request(appointment, by)
    now = timezone.now()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = by.user
    appointment.cancelled_by_side = CancelledBy.PRACTICE
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
    record(
        Action.SCHEDULING_DECLINED,
        practice=appointment.practice,
        actor=by,
        client=appointment.client,
        details=_details(appointment),
    )
    send_appointment_email(appointment, EmailKind.APPOINTMENT_CANCELLED)
    return appointment


def next_after(start: datetime) -> datetime:
    """Where "the next open times" begin after a lost race: just after the wanted start."""
    return start + timedelta(minutes=1)
