"""Appointments test state, built with the real actions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.appointments.actions import Slot, book_appointment
from portico.appointments.models import Appointment, AppointmentKind
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.actions import add_staff_member
from portico.practices.models import Practice, Role
from tests.cast import PASSWORD, at


def book(
    client: Client,
    *,
    by: User,
    clinician: User,
    starts_at: datetime,
    minutes: int = 50,
    kind: str = AppointmentKind.IN_PERSON,
    location: str = "Room 2",
    note: str = "",
) -> Appointment:
    return book_appointment(
        client.practice,
        by=Actor.for_user(by),
        client=client,
        slot=Slot(
            clinician=clinician,
            starts_at=starts_at,
            duration_minutes=minutes,
            kind=kind,
            location=location,
            client_note=note,
        ),
    )


def in_days(days: int, hour: int = 15) -> datetime:
    """A whole hour ``days`` from now, in UTC."""
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    return base.replace(hour=hour)


@pytest.fixture
def lee(maple: Practice, owner: User) -> User:
    """Dr. Lee, a second clinician at Maple."""
    return add_staff_member(
        maple,
        email="lee@maple.test",
        first_name="Dr.",
        last_name="Lee",
        role=Role.CLINICIAN,
        password=PASSWORD,
        by=Actor.for_user(owner),
    )


def portal_session(practice: Practice, username: str) -> HttpClient:
    http = HttpClient()
    response = http.post(
        at(practice, "portal:sign_in"), {"identifier": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return http


def staff_session(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http
