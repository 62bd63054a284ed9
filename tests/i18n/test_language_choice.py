"""Which language a page speaks: the browser's before Portico knows the person, the
person's once it does, English on every staff page, and never a language in a link."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client as HttpClient

from portico.access.actions import send_invite
from portico.access.languages import set_language
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.cast import PASSWORD, Family, at, attach, by, invite, register_new, token_of

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def _lang(response: object) -> str:
    html: str = response.content.decode()  # type: ignore[attr-defined]
    start = html.index("<html lang=") + len('<html lang="')
    return html[start : html.index('"', start)]


def test_before_anyone_is_known_the_browser_language_decides(maple: Practice) -> None:
    spanish = HttpClient(headers=SPANISH).get(at(maple, "portal:sign_in"))
    assert _lang(spanish) == "es"
    assert "Iniciar sesión" in spanish.content.decode()
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]
    assert _lang(HttpClient(headers=ENGLISH).get(at(maple, "portal:sign_in"))) == "en"
    assert _lang(HttpClient().get(at(maple, "portal:sign_in"))) == "en"
    assert (
        _lang(HttpClient(headers={"Accept-Language": "fr"}).get(at(maple, "portal:sign_in")))
        == "en"
    )


def test_the_switch_keeps_the_choice_for_this_browser_and_comes_back(maple: Practice) -> None:
    http = HttpClient(headers=ENGLISH)
    sign_in = at(maple, "portal:sign_in")
    page = http.get(sign_in).content.decode()
    assert 'name="language" value="es"' in page
    response = http.post(at(maple, "portal:switch_language"), {"language": "es", "next": sign_in})
    assert response.status_code == 302
    assert response["Location"] == sign_in
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["httponly"]
    assert _lang(http.get(sign_in)) == "es"
    assert _lang(http.get(at(maple, "portal:forgot_password"))) == "es"


def test_the_switch_needs_csrf_and_never_sends_anyone_elsewhere(maple: Practice) -> None:
    strict = HttpClient(enforce_csrf_checks=True)
    response = strict.post(at(maple, "portal:switch_language"), {"language": "es"})
    assert response.status_code == 403
    http = HttpClient()
    response = http.post(
        at(maple, "portal:switch_language"),
        {"language": "es", "next": "https://evil.example/"},
    )
    assert response["Location"] == at(maple, "portal:sign_in")
    response = http.post(at(maple, "portal:switch_language"), {"language": "xx"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_welcome_link_speaks_its_persons_language_not_the_browsers(
    maple: Practice, owner: User, casey: Client
) -> None:
    set_language(casey, language="es", by=by(owner), where="staff")
    link = send_invite(casey, by=by(owner)).link
    http = HttpClient(headers=ENGLISH)
    response = http.get(at(maple, "access:welcome_link", token_of(link)))
    assert response["Location"] == at(maple, "access:welcome")  # no language in any URL
    page = http.get(at(maple, "access:welcome"))
    assert _lang(page) == "es"
    assert "Cree su cuenta del portal" in page.content.decode()
    assert _lang(http.get(at(maple, "access:welcome_dob"))) == "es"


def test_an_english_person_gets_english_even_in_a_spanish_browser(
    maple: Practice, owner: User, casey: Client
) -> None:
    link = send_invite(casey, by=by(owner)).link
    http = HttpClient(headers=SPANISH)
    http.get(at(maple, "access:welcome_link", token_of(link)))
    assert _lang(http.get(at(maple, "access:welcome"))) == "en"


def test_the_link_in_an_email_is_the_same_in_every_language(
    maple: Practice, owner: User, casey: Client, noah: Client
) -> None:
    set_language(casey, language="es", by=by(owner), where="staff")
    spanish = OutboundEmail.objects.get(link=send_invite(casey, by=by(owner)).link)
    assert f"/p/{maple.slug}/welcome/{token_of(spanish)}/" in spanish.text_body
    for carrier in (spanish.text_body, spanish.html_body):
        assert "lang=" not in carrier.split("<body", 1)[-1]
        assert "/es/" not in carrier and "language" not in carrier


def test_a_signed_in_client_reads_their_own_language_whatever_the_browser(
    maple: Practice, owner: User, casey: Client, casey_account: User
) -> None:
    http = HttpClient(headers=ENGLISH)
    http.post(at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD})
    assert _lang(http.get(at(maple, "portal:home"))) == "en"
    set_language(casey, language="es", by=by(owner), where="staff")
    home = http.get(at(maple, "portal:home"))  # staff's change shows on the next page
    assert _lang(home) == "es"
    assert "Su próximo paso" in home.content.decode()


def test_a_parent_reads_the_language_of_their_own_contact_record(
    maple: Practice, owner: User, family: Family
) -> None:
    set_language(family.mia, language="en", by=by(owner), where="staff")
    set_language(family.pat_for_mia, language="es", by=by(owner), where="staff")
    register_new(invite(family.pat_for_mia, owner), username="pat")
    http = HttpClient(headers=ENGLISH)
    http.post(at(maple, "portal:sign_in"), {"identifier": "pat", "password": PASSWORD})
    assert _lang(http.get(at(maple, "portal:home"))) == "es"


def test_the_person_changes_their_own_language_in_the_portal_and_it_is_audited(
    maple: Practice, owner: User, family: Family
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    attach(invite(family.pat_for_leo, owner), pat)
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": "pat", "password": PASSWORD})
    http.post(at(maple, "portal:choose"), {"client": str(family.mia.public_id)})
    page = http.get(at(maple, "portal:language")).content.decode()
    assert re.search(r'value="en"[^>]*checked', page)
    response = http.post(at(maple, "portal:language"), {"language": "es"}, follow=True)
    assert "Guardamos su idioma." in response.content.decode()
    assert _lang(response) == "es"
    for contact in (family.pat_for_mia, family.pat_for_leo):  # one person, both records
        contact.refresh_from_db()
        assert contact.language == "es"
    family.mia.refresh_from_db()
    assert family.mia.language == "en"  # the child's own record is not the parent's
    events = AuditEvent.objects.filter(action="language.changed").order_by("pk")
    assert [e.details["person"] for e in events] == [
        "contact Pat Parent",
        "contact Pat Parent",
    ]
    assert {e.details["where"] for e in events} == {"portal"}
    assert events[0].details["previous"] == "English"
    assert events[0].details["language"] == "Español"


def test_the_language_page_refuses_what_is_not_a_language(
    maple: Practice, casey_account: User, casey: Client
) -> None:
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD})
    response = http.post(at(maple, "portal:language"), {"language": "fr"})
    assert response.status_code == 200
    casey.refresh_from_db()
    assert casey.language == "en"
    assert not AuditEvent.objects.filter(action="language.changed").exists()


def test_staff_pages_are_english_for_a_spanish_browser_and_a_spanish_cookie(
    maple: Practice, owner_http: HttpClient, casey: Client
) -> None:
    owner_http.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    for name, args in (
        ("clients:list", ()),
        ("clients:personal_information", (casey.public_id,)),
        ("mail:templates", ()),
    ):
        response = owner_http.get(at(maple, name, *args), headers=SPANISH)
        assert _lang(response) == "en", name
        assert "Content-Language" not in response


def test_staff_set_a_clients_and_a_contacts_language_and_it_is_audited(
    maple: Practice, owner_http: HttpClient, casey: Client, family: Family
) -> None:
    page = owner_http.get(at(maple, "clients:personal_information", casey.public_id))
    assert 'name="language"' in page.content.decode()
    form = {
        "first_name": "Casey",
        "last_name": "Client",
        "preferred_name": "",
        "date_of_birth": "04/12/1990",
        "phone": "",
        "portal_access_enabled": "on",
        "email_notifications_enabled": "on",
        "language": "es",
    }
    response = owner_http.post(at(maple, "clients:personal_information", casey.public_id), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    casey.refresh_from_db()
    assert casey.language == "es"
    event = AuditEvent.objects.get(action="language.changed")
    assert event.client_id == casey.pk
    assert event.details == {
        "previous": "English",
        "language": "Español",
        "person": "the client",
        "where": "staff",
    }

    contact = family.pat_for_mia
    page = owner_http.get(
        at(maple, "clients:edit_contact", family.mia.public_id, contact.public_id)
    )
    assert 'name="language"' in page.content.decode()
