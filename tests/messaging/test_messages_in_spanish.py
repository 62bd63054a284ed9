"""A Spanish-speaking client reads and writes messages in Spanish; staff still read English."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.utils import translation

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client, Contact
from portico.messaging.actions import send_staff_message
from portico.messaging.labels import portal_author_label
from portico.messaging.models import MAX_BODY
from portico.practices.models import Practice
from tests.cast import Family, access_of, at, by

PAGE = "portal_messages:conversation"


def _speaks_spanish(client: Client) -> None:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=client.pk).update(language="es")


def test_a_spanish_speaking_client_reads_and_replies_in_spanish(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Your next session is on Thursday.")
    _speaks_spanish(casey)
    page = casey_http.get(at(maple, PAGE)).content.decode()
    assert "Mensajes con Maple Counseling" in page
    assert "Los mensajes no son para emergencias" in page and ">Nuevo<" in page
    assert "Your next session is on Thursday." in page  # what staff wrote stays as written
    assert "Messages with" not in page and "not for emergencies" not in page
    assert "Send message" not in page and "Enviar mensaje" in page

    sent = casey_http.post(at(maple, PAGE), {"body": "¿Podemos pasarla al viernes?"}, follow=True)
    text = sent.content.decode()
    assert "Su mensaje se envió a Maple Counseling." in text and ">Usted</strong>" in text
    assert "Your message was sent" not in text and ">You</strong>" not in text


def test_the_length_error_speaks_spanish_with_spanish_digit_grouping(
    maple: Practice, casey: Client, casey_http: HttpClient
) -> None:
    _speaks_spanish(casey)
    response = casey_http.post(at(maple, PAGE), {"body": "x" * (MAX_BODY + 1)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Su mensaje es demasiado largo" in page and "Acórtelo o envíelo en dos partes" in page
    assert "is too long" not in page


def test_the_next_step_for_unread_messages_speaks_spanish(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    send_staff_message(casey, by=by(clinician), body="Hello again")
    _speaks_spanish(casey)
    home = casey_http.get(at(maple, "portal:home")).content.decode()
    assert "Lea 2 mensajes nuevos" in home
    assert "Read 2 new messages" not in home


def test_staff_still_read_the_conversation_in_english(
    maple: Practice, casey: Client, clinician: User, clinician_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    _speaks_spanish(casey)
    page = clinician_http.get(at(maple, "staff_messages:conversation", casey.public_id))
    assert "Send message" in page.content.decode()


def test_a_spanish_speaking_parent_writes_for_a_child_and_the_audit_stays_english(
    maple: Practice, family: Family, pat: User, pat_http: HttpClient
) -> None:
    Contact.objects.filter(pk=family.pat_for_mia.pk).update(language="es")
    page = pat_http.get(at(maple, PAGE)).content.decode()
    assert "Usted actúa en nombre de <strong>" in page
    pat_http.post(at(maple, PAGE), {"body": "Gracias, los llenamos esta noche."})
    event = AuditEvent.objects.get(action=Action.MESSAGE_SENT)
    assert event.details["author"] == "Pat Parent (parent)"
    with translation.override("es"):
        assert portal_author_label(access_of(family.pat_for_mia)) == "Pat Parent (madre o padre)"
