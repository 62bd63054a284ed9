"""Reads: the scoped lookups (404 outside), the staff schedule, a client's appointments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentStatus
from portico.appointments.rules import BOOKABLE_ROLES, sees_only_own
from portico.lib.localtime import practice_zone
from portico.practices.roles import Can, staff_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portico.clients.models import Client
    from portico.practices.models import Practice

PAST_SHOWN = 20


def visible_to(user: User, practice: Practice) -> QuerySet[Appointment]:
    """The practice's appointments this staff member works with (a clinician: their own)."""
    found = Appointment.objects.filter(practice=practice).select_related("client", "clinician")
    if sees_only_own(user):
        found = found.filter(clinician=user)
    return found


def get_appointment_for_staff(
    user: User | AnonymousUser, practice: Practice, appointment_id: Any
) -> Appointment:
    """One appointment; 404 for another practice's, and for another clinician's to a clinician."""
    if not staff_can(user, practice, Can.VIEW_CLIENTS) or not isinstance(user, User):
        raise Http404("No such appointment.")
    found = visible_to(user, practice).filter(public_id=appointment_id).first()
    if found is None:
        raise Http404("No such appointment.")
    return found


def clinicians_of(practice: Practice) -> QuerySet[User]:
    """Who can be booked: active owners, administrators and clinicians of the practice."""
    return User.objects.filter(
        practice=practice,
        kind="staff",
        is_active=True,
        membership__role__in=BOOKABLE_ROLES,
    ).order_by("last_name", "first_name", "id")


def bookable_for(user: User, practice: Practice) -> QuerySet[User]:
    """The clinicians ``user`` may book: themself only for a clinician."""
    found = clinicians_of(practice)
    return found.filter(pk=user.pk) if sees_only_own(user) else found


@dataclass(frozen=True)
class Day:
    day: date
    appointments: list[Appointment]


def schedule(
    user: User,
    practice: Practice,
    *,
    first_day: date,
    days: int,
    clinician: User | None = None,
) -> list[Day]:
    """Appointments from ``first_day`` for ``days`` days (local days), grouped by day; 1 query."""
    zone = practice_zone(practice)
    start = datetime.combine(first_day, time.min, tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), time.min, tzinfo=zone)
    found = visible_to(user, practice).filter(starts_at__gte=start, starts_at__lt=end)
    if clinician is not None:
        found = found.filter(clinician=clinician)
    by_day: dict[date, list[Appointment]] = {first_day + timedelta(days=n): [] for n in range(days)}
    for appointment in found.order_by("starts_at", "id"):
        by_day[appointment.starts_at.astimezone(zone).date()].append(appointment)
    return [Day(day, items) for day, items in by_day.items()]


def for_client_staff(user: User, client: Client) -> list[Appointment]:
    """A client's appointments this staff member works with, newest first."""
    return list(
        visible_to(user, client.practice).filter(client=client).order_by("-starts_at", "-id")
    )


# --- the portal ---------------------------------------------------------------------------


def get_appointment_for_portal(client: Client, appointment_id: Any) -> Appointment:
    found = (
        Appointment.objects.filter(
            client=client, practice_id=client.practice_id, public_id=appointment_id
        )
        .select_related("practice", "client")
        .first()
    )
    if found is None:
        raise Http404("No such appointment.")
    return found


def get_appointment_for_calendar(clients: list[int], appointment_id: Any) -> Appointment:
    """For the calendar file: any client the signed-in person acts for (an email link may
    be opened while acting for another child)."""
    found = (
        Appointment.objects.filter(client_id__in=clients, public_id=appointment_id)
        .select_related("practice")
        .first()
    )
    if found is None:
        raise Http404("No such appointment.")
    return found


@dataclass(frozen=True)
class PortalAppointments:
    upcoming: list[Appointment]
    past: list[Appointment]


def portal_appointments(client: Client, now: datetime) -> PortalAppointments:
    """Upcoming (not yet over, soonest first) and past (latest first), cancelled ones included."""
    mine = Appointment.objects.filter(client=client, practice_id=client.practice_id)
    upcoming = list(mine.filter(ends_at__gt=now).order_by("starts_at", "id"))
    past = list(
        mine.filter(ends_at__lte=now, status=AppointmentStatus.BOOKED).order_by(
            "-starts_at", "-id"
        )[:PAST_SHOWN]
    )
    return PortalAppointments(upcoming, past)
