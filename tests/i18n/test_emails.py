"""Emails to clients are written in the recipient's language, at queue time; each
language has its own override; emails to staff stay English; dates read naturally."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import translation

from portico.access.actions import send_invite, send_password_reset
from portico.access.bulk import run_bulk_invite, start_bulk_invite
from portico.access.languages import set_language
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.lib.localtime import clock, day_and_time, day_and_time_with_zone, short_day_and_time
from portico.mail.actions import save_template_override
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.outbox import EmailToQueue, queue_email, queue_emails
from portico.practices.models import Practice
from tests.cast import Family, at, by, invite, make_client

TUESDAY_2PM_UTC = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 2:00 PM in New York


def _spanish(person: Client, owner: User) -> None:
    set_language(person, language="es", by=by(owner), where="staff")


def test_an_invitation_to_a_spanish_speaking_client_is_in_spanish(
    maple: Practice, owner: User, casey: Client
) -> None:
    _spanish(casey, owner)
    email = OutboundEmail.objects.get(link=send_invite(casey, by=by(owner)).link)
    assert email.subject == "Cree su cuenta del portal para clientes de Maple Counseling"
    assert email.text_body.startswith("Hola, Casey:\n")
    assert "El enlace funciona una sola vez y hasta el " in email.text_body
    assert "Crear mi cuenta" in email.html_body
    assert '<html lang="es">' in email.html_body
    assert " de 20" not in email.text_body  # the date reads "martes, 1 de diciembre, …"


def test_an_english_speaking_client_still_gets_the_english_email(
    maple: Practice, owner: User, casey: Client
) -> None:
    email = OutboundEmail.objects.get(link=send_invite(casey, by=by(owner)).link)
    assert email.subject == "Set up your Maple Counseling client portal account"
    assert email.text_body.startswith("Hello Casey,\n")
    assert '<html lang="en">' in email.html_body


def test_a_password_reset_follows_the_clients_language(
    maple: Practice, owner: User, casey: Client, casey_account: User
) -> None:
    _spanish(casey, owner)
    email = OutboundEmail.objects.get(link=send_password_reset(casey, by=by(owner)).link)
    assert email.subject == "Restablezca su contraseña del portal de Maple Counseling"
    assert "Elija una nueva contraseña" in email.html_body


def test_a_contacts_email_is_in_the_contacts_language_not_the_clients(
    maple: Practice, owner: User, family: Family
) -> None:
    set_language(family.pat_for_mia, language="es", by=by(owner), where="staff")
    invitation = OutboundEmail.objects.get(link=invite(family.pat_for_mia, owner))
    assert invitation.subject.startswith("Cree su cuenta")
    # An email about Mia (a message notice) to Pat's address: Pat's language.
    with transaction.atomic():
        to_pat = queue_email(
            practice=maple,
            kind=EmailKind.NEW_MESSAGE,
            to=family.pat_for_mia.email,
            context={"greeting_name": "Pat", "link": "https://maple.example/"},
            client=family.mia,
        )
        to_mia = queue_email(
            practice=maple,
            kind=EmailKind.NEW_MESSAGE,
            to="mia@example.com",
            context={"greeting_name": "Mia", "link": "https://maple.example/"},
            client=family.mia,
        )
    assert to_pat.subject == "Tiene un mensaje nuevo de Maple Counseling"
    assert to_mia.subject == "You have a new message from Maple Counseling"


def test_a_batch_is_written_in_each_recipients_language(
    maple: Practice, owner: User, casey: Client
) -> None:
    ana = make_client(maple, owner, "Ana", "Ruiz", emails=("ana@example.com",))
    _spanish(ana, owner)
    context = {"link": "https://maple.example/"}
    with transaction.atomic():
        emails = queue_emails(
            practice=maple,
            kind=EmailKind.FORM_WAITING,
            emails=[
                EmailToQueue(to="casey@example.com", context=context, client=casey),
                EmailToQueue(to="ana@example.com", context=context, client=ana),
            ],
        )
    assert [e.subject for e in emails] == [
        "Maple Counseling has a form for you",
        "Maple Counseling tiene un formulario para usted",
    ]


def test_bulk_invitations_are_each_in_the_clients_language(
    maple: Practice, owner: User, casey: Client
) -> None:
    ana = make_client(maple, owner, "Ana", "Ruiz", emails=("ana@example.com",))
    _spanish(ana, owner)
    bulk = start_bulk_invite(maple, by=Actor.for_user(owner))
    run_bulk_invite.call(bulk.pk)
    subjects = dict(OutboundEmail.objects.values_list("to_address", "subject"))
    assert subjects["ana@example.com"].startswith("Cree su cuenta")
    assert subjects["casey@example.com"].startswith("Set up your")


def test_each_language_has_its_own_override_and_never_borrows_anothers(
    maple: Practice, owner: User, casey: Client
) -> None:
    ana = make_client(maple, owner, "Ana", "Ruiz", emails=("ana@example.com",))
    _spanish(ana, owner)
    save_template_override(
        maple,
        kind=EmailKind.INVITE,
        subject="Welcome to {{ practice_name }}",
        body_text="Hi {{ greeting_name }}: {{ link }}\n",
        by=by(owner),
    )
    english = OutboundEmail.objects.get(link=send_invite(casey, by=by(owner)).link)
    spanish = OutboundEmail.objects.get(link=send_invite(ana, by=by(owner)).link)
    assert english.subject == "Welcome to Maple Counseling"
    assert spanish.subject == "Cree su cuenta del portal para clientes de Maple Counseling"
    save_template_override(
        maple,
        kind=EmailKind.INVITE,
        subject="Bienvenida a {{ practice_name }}",
        body_text="Hola {{ greeting_name }}: {{ link }}\n",
        by=by(owner),
        language="es",
    )
    spanish = OutboundEmail.objects.get(link=send_invite(ana, by=by(owner)).link)
    assert spanish.subject == "Bienvenida a Maple Counseling"
    assert spanish.text_body.startswith("Hola Ana: ")


def test_the_editor_edits_each_language_and_says_what_a_language_without_text_gets(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    save_template_override(
        maple,
        kind=EmailKind.INVITE,
        subject="Welcome to {{ practice_name }}",
        body_text="Hi {{ greeting_name }}: {{ link }}\n",
        by=by(owner),
    )
    page = owner_http.get(at(maple, "mail:template_edit", "invite", "es")).content.decode()
    assert "You have no Español text of your own" in page
    assert "get Portico's default Español text" in page
    assert "Cree su cuenta del portal" in page  # the default, in Spanish, to start from
    response = owner_http.post(
        at(maple, "mail:template_edit", "invite", "es"),
        {"subject": "Hola de {{ practice_name }}", "body_text": "{{ link }}\n", "save": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == at(maple, "mail:template_edit", "invite", "es")
    english = owner_http.get(at(maple, "mail:template_edit", "invite")).content.decode()
    assert "Welcome to {{ practice_name }}" in english
    listing = owner_http.get(at(maple, "mail:templates")).content.decode()
    assert listing.count("Customised") == 2
    restore = owner_http.post(at(maple, "mail:template_reset", "invite", "es"))
    assert restore.status_code == 302
    assert owner_http.get(at(maple, "mail:templates")).content.decode().count("Customised") == 1


def test_staff_emails_have_only_english_in_the_editor(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.get(at(maple, "mail:template_edit", "staff_invite", "es"))
    assert response.status_code == 404
    assert owner_http.get(at(maple, "mail:template_edit", "invite", "fr")).status_code == 404


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("2:00 PM", "Tuesday, December 1 at 2:00 PM", "Dec 1 at 2:00 PM")),
        ("es", ("2:00 p. m.", "martes, 1 de diciembre, 2:00 p. m.", "1 dic., 2:00 p. m.")),
    ],
)
def test_times_read_the_way_each_language_writes_them(
    maple: Practice, language: str, expected: tuple[str, str, str]
) -> None:
    assert maple.timezone == "America/New_York"
    with translation.override(language):
        shown = (
            clock(maple, TUESDAY_2PM_UTC),
            day_and_time(maple, TUESDAY_2PM_UTC),
            short_day_and_time(maple, TUESDAY_2PM_UTC),
        )
        with_zone = day_and_time_with_zone(maple, TUESDAY_2PM_UTC)
    assert shown == expected
    assert with_zone == f"{expected[1]} EST"
