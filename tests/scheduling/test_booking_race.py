"""Clients booking one open time at once, through the real portal view: exactly one wins."""

from __future__ import annotations

from queue import SimpleQueue

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.appointments.models import Appointment
from portico.audit.actor import Actor
from portico.practices.models import Practice
from portico.scheduling.models import BookableType
from portico.scheduling.rules import scheduling_settings_of
from portico.scheduling.slots import open_times
from tests.access.test_concurrency import _race
from tests.appointments.conftest import portal_session
from tests.cast import PASSWORD, at, make_client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]

RACERS = 12


def signed_in_clients(practice: Practice, owner: User, count: int) -> list[HttpClient]:
    sessions = []
    for n in range(count):
        client = make_client(practice, owner, "Racer", f"No{n}", emails=(f"racer{n}@example.com",))
        sent = send_invite(client, by=Actor.for_user(owner))
        redeem_invite(
            sent.link, by=Actor.system(), username=f"racer{n}", password=PASSWORD, at=timezone.now()
        )
        sessions.append(portal_session(practice, f"racer{n}"))
    return sessions


def test_concurrent_clients_booking_one_open_time_leave_exactly_one_appointment(
    maple: Practice, owner: User, session_type: BookableType
) -> None:
    start = open_times(session_type, scheduling_settings_of(maple), timezone.now())[0]
    sessions: SimpleQueue[HttpClient] = SimpleQueue()
    for session in signed_in_clients(maple, owner, RACERS):
        sessions.put(session)
    data = {
        "clinician": str(session_type.clinician_id),
        "type": str(session_type.public_id),
        "start": start.isoformat(),
    }
    url = at(maple, "portal_scheduling:confirm")

    def attempt() -> object:
        return sessions.get().post(url, data).status_code

    results = _race(RACERS, attempt)
    assert sorted(results, key=str) == sorted([302] + [409] * (RACERS - 1), key=str)
    assert Appointment.objects.filter(clinician=session_type.clinician).count() == 1
