"""Every client-facing page and email of the core, in Spanish, shows only catalogue text.

A walk through the pages a Spanish-speaking client meets (sign-in, password help,
the welcome journey with its mistakes, the portal home and account pages, each
dead-link page, the error pages) and the emails they receive, with every catalogue
lookup wrapped (``tests.i18n.pseudo``). Any word left outside a wrapped span is text
that was never marked or never translated: the test names the page and the words.
An English string added to one of these templates fails it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone, translation

from portico.access.actions import disable_portal_access, send_invite, send_password_reset
from portico.access.languages import set_language
from portico.accounts.models import User
from portico.clients.models import Client
from portico.lib.http import too_many_attempts
from portico.mail.models import OutboundEmail
from portico.portal.features import PORTAL_NAV
from portico.practices.models import PortalFeature, Practice
from tests.cast import (
    CASEY_DOB,
    PASSWORD,
    Family,
    at,
    attach,
    by,
    invite,
    register_new,
    token_of,
)
from tests.i18n.pseudo import OPEN, marked_spanish, unmarked_plain_text, unmarked_text

SPANISH_BROWSER = {"Accept-Language": "es"}


@pytest.fixture(autouse=True)
def _spanish_marked(db: None) -> Iterator[None]:
    cache.clear()
    with marked_spanish():
        yield
    cache.clear()


@pytest.fixture
def spanish_casey(casey: Client, owner: User) -> Client:
    set_language(casey, language="es", by=by(owner), where="staff")
    return casey


def _values(practice: Practice, *people: Client | User) -> list[str]:
    """What a page may show as it is: the practice's and the people's own details."""
    values = [practice.name, practice.phone, practice.email, practice.slug]
    for person in people:
        values += [person.first_name, person.last_name, getattr(person, "username", "")]
    return [value for value in values if value]


class Pages:
    """The pages seen so far, and what each showed outside the catalogue."""

    def __init__(self, allowed: list[str]) -> None:
        self.allowed = allowed
        self.problems: dict[str, list[str]] = {}
        self.seen = 0

    def check(self, name: str, response: object, *, status: int = 200) -> str:
        code = response.status_code  # type: ignore[attr-defined]
        assert code == status, f"{name}: {code}"
        html: str = response.content.decode()  # type: ignore[attr-defined]
        assert '<html lang="es">' in html, f"{name} is not in Spanish"
        found = unmarked_text(html, allowed=self.allowed)
        if found:
            self.problems[name] = found
        self.seen += 1
        return html

    def check_email(self, email: OutboundEmail) -> None:
        for part, text in (("subject", email.subject), ("text", email.text_body)):
            found = unmarked_plain_text(text, allowed=self.allowed)
            if found:
                self.problems[f"email {email.kind} ({part})"] = found
        found = unmarked_text(email.html_body, allowed=self.allowed)
        if found:
            self.problems[f"email {email.kind} (html)"] = found
        assert 'lang="es"' in email.html_body
        self.seen += 1


def test_the_welcome_journey_and_the_portal_show_only_translated_text(
    maple: Practice, owner: User, spanish_casey: Client
) -> None:
    pages = Pages(_values(maple, spanish_casey, owner) + ["casey.es"])
    visitor = HttpClient(headers=SPANISH_BROWSER)

    pages.check("sign in", visitor.get(at(maple, "portal:sign_in")))
    pages.check("forgot password", visitor.get(at(maple, "portal:forgot_password")))
    pages.check(
        "forgot password, empty",
        visitor.post(at(maple, "portal:forgot_password"), {"identifier": ""}),
    )
    pages.check(
        "forgot password, sent",
        visitor.post(at(maple, "portal:forgot_password"), {"identifier": "nobody"}),
    )
    pages.check("forgot username", visitor.get(at(maple, "portal:forgot_username")))
    pages.check(
        "forgot username, bad address",
        visitor.post(at(maple, "portal:forgot_username"), {"email": "not an address"}),
    )
    pages.check(
        "forgot username, sent",
        visitor.post(at(maple, "portal:forgot_username"), {"email": "x@example.com"}),
    )
    pages.check("unknown page", visitor.get(f"/p/{maple.slug}/no-such-page/"), status=404)
    pages.check("unknown link", visitor.get(at(maple, "access:welcome_link", "x" * 43)), status=404)

    # The invitation, in Spanish, and the welcome journey with its mistakes.
    link = send_invite(spanish_casey, by=by(owner)).link
    pages.check_email(OutboundEmail.objects.get(link=link))
    browser = HttpClient()  # an English browser: the link's person decides
    response = browser.get(at(maple, "access:welcome_link", token_of(link)), follow=True)
    pages.check("welcome", response)
    dob = at(maple, "access:welcome_dob")
    pages.check("date of birth", browser.get(dob))
    pages.check("date of birth, bad format", browser.post(dob, {"date_of_birth": "12 April"}))
    pages.check("date of birth, wrong", browser.post(dob, {"date_of_birth": "01/01/1970"}))
    response = browser.post(dob, {"date_of_birth": CASEY_DOB.strftime("%m/%d/%Y")})
    assert response.status_code == 302
    account_url = at(maple, "access:welcome_account")
    pages.check("account", browser.get(account_url))
    pages.check(
        "account, weak and different passwords",
        browser.post(account_url, {"new_password": "casey", "confirm_password": "other"}),
    )
    response = browser.post(
        account_url, {"new_password": PASSWORD, "confirm_password": PASSWORD}, follow=True
    )
    pages.check("first page after registering", response)
    pages.allowed.append(User.objects.get(email__iexact="casey@example.com").username)

    # Signed in: home, account pages, and their mistakes.
    pages.check("home", browser.get(at(maple, "portal:home")))
    change = at(maple, "portal:change_password")
    pages.check("change password", browser.get(change))
    pages.check(
        "change password, wrong current",
        browser.post(
            change,
            {"current_password": "nope", "new_password": "x", "confirm_password": "y"},
        ),
    )
    language = at(maple, "portal:language")
    pages.check("language", browser.get(language))
    pages.check("language, nothing chosen", browser.post(language, {}))
    response = browser.post(language, {"language": "es"}, follow=True)
    pages.check("language saved", response)

    # The used link, and the emails a client gets about their password.
    pages.check(
        "used link",
        HttpClient().get(at(maple, "access:welcome_link", token_of(link))),
        status=410,
    )
    reset = send_password_reset(spanish_casey, by=by(owner)).link
    pages.check_email(OutboundEmail.objects.get(link=reset))
    visitor = HttpClient()
    response = visitor.get(at(maple, "portal:reset_link", token_of(reset)), follow=True)
    pages.check("reset", response)
    pages.check(
        "reset, different passwords",
        visitor.post(
            at(maple, "portal:reset"), {"new_password": PASSWORD, "confirm_password": "x"}
        ),
    )
    new_password = PASSWORD + " again"
    response = visitor.post(
        at(maple, "portal:reset"),
        {"new_password": new_password, "confirm_password": new_password},
        follow=True,
    )
    pages.check("signed out after the reset", response)
    pages.check_email(OutboundEmail.objects.filter(kind="password_changed").latest("pk"))

    assert pages.problems == {}
    assert pages.seen >= 25


def test_every_dead_link_page_shows_only_translated_text(
    maple: Practice, owner: User, spanish_casey: Client
) -> None:
    pages = Pages(_values(maple, spanish_casey, owner))
    first = send_invite(spanish_casey, by=by(owner)).link
    second = send_invite(spanish_casey, by=by(owner)).link
    pages.check(
        "replaced link",
        HttpClient().get(at(maple, "access:welcome_link", token_of(first))),
        status=410,
    )
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        pages.check(
            "expired link",
            HttpClient().get(at(maple, "access:welcome_link", token_of(second))),
            status=410,
        )
    third = send_invite(spanish_casey, by=by(owner)).link
    disable_portal_access(spanish_casey, by=by(owner))
    pages.check(
        "access turned off",
        HttpClient().get(at(maple, "access:welcome_link", token_of(third))),
        status=410,
    )
    assert pages.problems == {}


def test_a_parent_choosing_between_children_sees_only_translated_text(
    maple: Practice, owner: User, family: Family
) -> None:
    for contact in (family.pat_for_mia, family.pat_for_leo):
        set_language(contact, language="es", by=by(owner), where="staff")

    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    attach(invite(family.pat_for_leo, owner), pat)
    pages = Pages(_values(maple, family.mia, family.leo, pat))
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": "pat", "password": PASSWORD})
    pages.check("chooser", http.get(at(maple, "portal:choose")))
    pages.check("chooser, nobody chosen", http.post(at(maple, "portal:choose"), {"client": "x"}))
    http.post(at(maple, "portal:choose"), {"client": str(family.mia.public_id)})
    pages.check("home, acting for a child", http.get(at(maple, "portal:home")))
    assert pages.problems == {}


def test_the_too_many_attempts_page_shows_only_translated_text(
    maple: Practice, in_maples_request: None
) -> None:
    request = RequestFactory().get("/")
    request.practice = maple  # type: ignore[attr-defined]
    with translation.override("es"):
        response = too_many_attempts(request, 90)
    html = response.content.decode()
    assert unmarked_text(html, allowed=[maple.name]) == []
    assert "2 minutos" in html


def test_a_sign_in_refusal_is_translated(maple: Practice, spanish_casey: Client) -> None:
    """The refusal's words come from portico.accounts.signin (marked there)."""
    page = HttpClient(headers=SPANISH_BROWSER).post(
        at(maple, "portal:sign_in"), {"identifier": "nobody", "password": "wrong"}
    )
    assert unmarked_text(page.content.decode(), allowed=[maple.name]) == []


def test_the_staff_pages_stay_english_even_for_a_spanish_browser(
    maple: Practice, owner_http: HttpClient, spanish_casey: Client
) -> None:
    page = owner_http.get(
        at(maple, "clients:personal_information", spanish_casey.public_id),
        headers=SPANISH_BROWSER,
    ).content.decode()
    assert '<html lang="en">' in page
    assert OPEN not in page


def test_the_first_page_of_every_portal_feature_shows_only_translated_text(
    maple: Practice, owner: User, spanish_casey: Client
) -> None:
    """The feature apps' pages (translated in their own catalogues) pass the same check."""
    maple.portal_features = list(PortalFeature.values)
    maple.save(update_fields=["portal_features"])
    register_new(send_invite(spanish_casey, by=by(owner)).link, username="casey")
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD})
    pages = Pages(_values(maple, spanish_casey, owner) + ["casey"])
    for _feature, _label, name in PORTAL_NAV:
        pages.check(name, http.get(at(maple, name)))
    assert pages.problems == {}
