"""A Spanish-speaking client reads appointments, cancels, and hears why Join waits, in Spanish.

The audit log reads the same whatever language the person acting speaks.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentKind
from portico.appointments.rooms import set_practice_room
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.appointments.conftest import book, portal_session
from tests.cast import at

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon, Nov 30, 9:00 AM EST
THURSDAY_3PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu, Dec 3, 3:00 PM EST
LIST = "portal_appointments:list"


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def casey_http(maple: Practice, casey: Client, casey_account: User) -> HttpClient:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=casey.pk).update(language="es")
    return portal_session(maple, "casey")


def test_the_list_and_cancelling_speak_spanish_and_the_audit_stays_english(
    maple: Practice, casey: Client, clinician: User, owner: User, casey_http: HttpClient
) -> None:
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    page = casey_http.get(at(maple, LIST)).content.decode()
    assert "Citas" in page and "Próximas" in page and "En persona: Room 2" in page
    assert "jue 3 dic, 3:00 p.m.–3:50 p.m. EST" in page
    assert "Agregar a su calendario" in page and "Cancelar esta cita" in page
    assert "Coming up" not in page and "Add to your calendar" not in page

    question = casey_http.get(at(maple, "portal_appointments:cancel", appointment.public_id))
    assert "¿Cancelar esta cita?" in question.content.decode()
    done = casey_http.post(
        at(maple, "portal_appointments:cancel", appointment.public_id), follow=True
    ).content.decode()
    assert "Su cita del" in done and "está cancelada. Ya le avisamos a Maple Counseling." in done
    assert "is cancelled" not in done
    event = AuditEvent.objects.filter(action="appointments.cancelled").get()
    assert event.details["when"] == "Thursday, December 3 at 3:00 PM EST"
    assert event.details["kind"] == "in person"


def test_the_calendar_file_speaks_spanish(
    maple: Practice, casey: Client, clinician: User, owner: User, casey_http: HttpClient
) -> None:
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    ics = casey_http.get(at(maple, "portal_appointments:ics", appointment.public_id))
    text = ics.content.decode()
    assert "SUMMARY:Cita con Maple Counseling" in text
    assert "Cita en persona. Los detalles están en su portal." in text
    assert "Appointment with" not in text


def test_join_says_when_it_opens_in_spanish(
    maple: Practice, casey: Client, clinician: User, owner: User, casey_http: HttpClient
) -> None:
    set_practice_room(maple, by=Actor.for_user(owner), url="https://meet.example.com/maple")
    video: Appointment = book(
        casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM, kind=AppointmentKind.VIDEO
    )
    page = casey_http.get(at(maple, LIST)).content.decode()
    assert "Cita por video" in page and "Sesión por video:" in page
    assert (
        "Puede entrar desde las" in page and "del jueves 3 de diciembre (15 minutos antes)." in page
    )
    assert "You can join from" not in page
    refused = casey_http.post(at(maple, "portal_telehealth:join", video.public_id), follow=True)
    assert "Puede entrar desde las" in refused.content.decode()


def test_the_booking_email_names_the_kind_in_the_clients_language(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    Client.objects.filter(pk=casey.pk).update(language="es")
    casey.refresh_from_db()
    book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    email = OutboundEmail.objects.get(kind=EmailKind.APPOINTMENT_BOOKED)
    assert "En persona" in email.text_body and "In person" not in email.text_body
