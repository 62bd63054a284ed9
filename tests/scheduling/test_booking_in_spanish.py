"""A Spanish-speaking client books an open time in Spanish; the audit log stays English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.practices.models import Practice
from portico.scheduling.models import BookableType
from tests.appointments.conftest import portal_session
from tests.cast import at

MONDAY_9AM = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon, Nov 30, 9:00 AM EST
TUESDAY_10_40 = datetime(2026, 12, 1, 15, 40, tzinfo=UTC)  # an open time: 10:40 AM EST


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


@pytest.fixture
def casey_http(maple: Practice, casey: Client, casey_account: User) -> HttpClient:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=casey.pk).update(language="es")
    return portal_session(maple, "casey")


def _booking(bookable: BookableType, start: datetime) -> dict[str, str]:
    return {
        "clinician": str(bookable.clinician_id),
        "type": str(bookable.public_id),
        "start": start.isoformat(),
    }


def test_open_times_confirmation_and_booking_speak_spanish(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    book_url = at(maple, "portal_scheduling:book")
    choices = casey_http.get(book_url).content.decode()
    assert "Reservar una cita" in choices and "¿Qué le gustaría reservar?" in choices
    assert "video · 50 minutos" in choices
    assert "What would you like to book?" not in choices

    times = casey_http.get(f"{book_url}?type={session_type.public_id}").content.decode()
    assert "martes 1 de diciembre" in times and "10:40 a.m." in times
    assert "Los horarios están en la zona horaria de Maple Counseling" in times
    assert "Tuesday, December 1" not in times and "Times are in" not in times

    confirm = at(maple, "portal_scheduling:confirm")
    asked = casey_http.get(confirm, _booking(session_type, TUESDAY_10_40)).content.decode()
    assert (
        "¿Reservar este horario?" in asked and "martes 1 de diciembre a las 10:40 a.m. EST" in asked
    )

    booked = casey_http.post(confirm, _booking(session_type, TUESDAY_10_40), follow=True)
    assert "Reservada:" in booked.content.decode()
    event = AuditEvent.objects.get(action=Action.SCHEDULING_SELF_BOOKED)
    assert event.details["when"] == "Tuesday, December 1 at 10:40 AM EST"
    assert event.details["kind"] == "video"


def test_a_time_too_soon_is_refused_in_spanish(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    soon = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # today, 11:00 AM EST: under 24 hours
    refused = casey_http.post(at(maple, "portal_scheduling:confirm"), _booking(session_type, soon))
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Ese horario es demasiado pronto" in page and "That time is too soon" not in page
