"""Reads: what clients may book, a clinician's published availability, waiting requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from portico.appointments.models import Appointment, AppointmentStatus
from portico.appointments.queries import visible_to
from portico.appointments.rules import BOOKABLE_ROLES
from portico.lib.localtime import practice_today
from portico.scheduling.models import AvailabilityException, BookableType, WeeklyWindow

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.clients.models import Client
    from portico.practices.models import Practice


def bookable_types(practice: Practice) -> QuerySet[BookableType]:
    """What clients may book: active types of active clinicians of the practice (1 query)."""
    return (
        BookableType.objects.filter(
            practice=practice,
            active=True,
            clinician__is_active=True,
            clinician__practice=practice,
            clinician__membership__role__in=BOOKABLE_ROLES,
        )
        .select_related("clinician", "practice")
        .order_by("clinician__last_name", "clinician__first_name", "name", "id")
    )


def get_bookable_for_portal(practice: Practice, public_id: Any) -> BookableType:
    try:
        found = bookable_types(practice).filter(public_id=public_id).first()
    except ValidationError:  # not a UUID
        found = None
    if found is None:
        raise Http404("No such appointment type.")
    return found


@dataclass(frozen=True)
class Published:
    windows: list[WeeklyWindow]
    exceptions: list[AvailabilityException]
    types: list[BookableType]


def published(clinician: User) -> Published:
    """A clinician's weekly windows, exceptions still to come, and types (3 queries)."""
    today = practice_today(clinician.practice)
    return Published(
        windows=list(WeeklyWindow.objects.filter(clinician=clinician)),
        exceptions=list(
            AvailabilityException.objects.filter(clinician=clinician, last_day__gte=today)
        ),
        types=list(
            BookableType.objects.filter(clinician=clinician, active=True).select_related(
                "practice", "clinician"
            )
        ),
    )


def waiting_requests(user: User, practice: Practice) -> list[Appointment]:
    """Self-booked appointments waiting for approval that ``user`` works with, soonest first."""
    return list(
        visible_to(user, practice)
        .filter(status=AppointmentStatus.REQUESTED)
        .select_related("booked_through__contact")
        .order_by("starts_at", "id")
    )


def client_requests(client: Client, now: datetime) -> list[Appointment]:
    """The client's upcoming requests still waiting for the practice (portal)."""
    return list(
        Appointment.objects.filter(
            client=client,
            practice_id=client.practice_id,
            status=AppointmentStatus.REQUESTED,
            ends_at__gt=now,
        ).order_by("starts_at", "id")
    )
