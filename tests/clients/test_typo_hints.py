"""Typo hints for email addresses: common slips are caught, real domains are left alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from portico.clients.emails import suggest_email_fix
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice
from tests.cast import at


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("jane@gmial.com", "jane@gmail.com"),
        ("jane@gmal.com", "jane@gmail.com"),
        ("jane@gnail.com", "jane@gmail.com"),
        ("jane@hotmial.com", "jane@hotmail.com"),
        ("jane@hotmal.com", "jane@hotmail.com"),
        ("jane@yahooo.com", "jane@yahoo.com"),
        ("jane@yaho.com", "jane@yahoo.com"),
        ("jane@outlok.com", "jane@outlook.com"),
        ("jane@outllok.com", "jane@outlook.com"),
        ("jane@iclod.com", "jane@icloud.com"),
        ("jane@gmail.cmo", "jane@gmail.com"),
        ("jane@gmail.con", "jane@gmail.com"),
        ("jane@gmail.cm", "jane@gmail.com"),
        ("jane@gmail.comm", "jane@gmail.com"),
        ("jane@gmail.om", "jane@gmail.com"),
        ("jane@gmail.ocm", "jane@gmail.com"),
        ("jane@comcast.ner", "jane@comcast.net"),
        ("jane@comcast.nte", "jane@comcast.net"),
        ("jane@maplecounseling.orgg", "jane@maplecounseling.org"),
        ("jane@example.cmo", "jane@example.com"),
    ],
)
def test_a_common_slip_gets_a_hint(typed: str, meant: str) -> None:
    assert suggest_email_fix(typed) == meant


@pytest.mark.parametrize(
    "address",
    [
        "jane@gmail.com",
        "jane@proton.me",
        "jane@fastmail.fm",
        "jane@email.com",
        "jane@mail.com",
        "jane@love.com",
        "jane@maplecounseling.org",
        "jane@kirchengemeinde-ulm.de",
        "jane@hotmail.fr",
        "jane@yahoo.co.uk",
    ],
)
def test_a_known_or_rare_but_real_domain_gets_no_hint(address: str) -> None:
    assert suggest_email_fix(address) is None


def _add(http: HttpClient, practice: Practice, **extra: str) -> Any:
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "date_of_birth": "04/12/1990",
        "email": "jane@gmial.com",
        "portal_access_enabled": "on",
        "email_notifications_enabled": "on",
    } | extra
    return http.post(at(practice, "clients:add"), data)


def test_the_add_form_stops_on_a_typo_and_saves_nothing(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = _add(owner_http, maple)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Did you mean jane@gmail.com?" in html
    assert "Use jane@gmail.com" in html
    assert "Keep jane@gmial.com" in html
    assert 'name="email_hint_for" value="jane@gmial.com"' in html
    assert not Client.objects.filter(first_name="Jane").exists()


def test_use_takes_the_suggested_address_in_one_click(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = _add(owner_http, maple, email_hint_for="jane@gmial.com", email_decision="use")
    assert response.status_code == 302
    assert ClientEmail.objects.get(client__first_name="Jane").address == "jane@gmail.com"


def test_keep_saves_the_address_as_typed(maple: Practice, owner_http: HttpClient) -> None:
    response = _add(owner_http, maple, email_hint_for="jane@gmial.com", email_decision="keep")
    assert response.status_code == 302
    assert ClientEmail.objects.get(client__first_name="Jane").address == "jane@gmial.com"


def test_a_choice_made_for_another_address_does_not_count(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = _add(
        owner_http,
        maple,
        email="jane@hotmial.com",
        email_hint_for="jane@gmial.com",
        email_decision="keep",
    )
    assert response.status_code == 200
    assert "Did you mean jane@hotmail.com?" in response.content.decode()
    assert not Client.objects.filter(first_name="Jane").exists()


def test_adding_an_address_on_the_client_page_has_the_same_hint(
    maple: Practice, owner_http: HttpClient, casey: Client
) -> None:
    url = at(maple, "clients:add_email", casey.public_id)
    response = owner_http.post(url, {"email": "casey2@yahooo.com"})
    assert response.status_code == 200
    assert "Did you mean casey2@yahoo.com?" in response.content.decode()
    assert casey.emails.count() == 1
    owner_http.post(
        url,
        {
            "email": "casey2@yahooo.com",
            "email_hint_for": "casey2@yahooo.com",
            "email_decision": "use",
        },
    )
    assert set(casey.emails.values_list("address", flat=True)) == {
        "casey@example.com",
        "casey2@yahoo.com",
    }
