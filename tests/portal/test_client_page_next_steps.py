"""Staff see, on the client's page, what the practice is waiting for from the client,
and tabs to the client's page of each portal feature (even one that is off)."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.messaging.actions import send_portal_message
from portico.portal import next_steps as next_steps_module
from portico.portal.next_steps import next_steps
from portico.practices.models import PortalFeature, Practice, default_features
from tests.cast import Family, access_of, at, by, invite, register_new
from tests.portal import waiting_provider

TABS = (
    ("Forms", "staff_forms:client_forms"),
    ("Messages", "staff_messages:conversation"),
    ("Profile changes", "staff_profiles:client_changes"),
    ("Appointments", "staff_appointments:client"),
)


def client_page(http: HttpClient, practice: Practice, client: Client) -> str:
    response = http.get(at(practice, "clients:detail", client.public_id))
    assert response.status_code == 200
    return response.content.decode()


def waiting_section(page: str) -> str:
    match = re.search(r'<section class="card waiting".*?</section>', page, re.S)
    assert match, "no Waiting for the client section"
    return match.group(0)


def tabs_of(page: str) -> str:
    match = re.search(r'<nav aria-label="Client sections".*?</nav>', page, re.S)
    assert match, "no client tabs"
    return match.group(0)


def test_with_nothing_waiting_the_client_page_says_so(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    maple.portal_features = []  # no feature is on, so nothing can wait
    maple.save(update_fields=["portal_features"])
    section = waiting_section(client_page(front_desk_http, maple, casey))
    assert "Waiting for the client" in section
    assert "Nothing is waiting for Casey right now." in section


def test_the_client_page_lists_what_is_waiting_in_staff_words_most_urgent_first(
    maple: Practice, casey: Client, front_desk_http: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        next_steps_module, "PROVIDERS", ((PortalFeature.FORMS, waiting_provider.MODULE),)
    )
    section = waiting_section(client_page(front_desk_http, maple, casey))
    forms = section.index("2 forms not submitted yet")
    messages = section.index("1 message Casey has not read")
    assert forms < messages
    assert "Complete 2 forms" not in section  # the client's words stay in the portal


def test_staff_see_a_tab_per_feature_and_which_ones_are_off_in_the_portal(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    maple.portal_features = [PortalFeature.MESSAGES.value]
    maple.save(update_fields=["portal_features"])
    tabs = tabs_of(client_page(front_desk_http, maple, casey))
    for label, name in TABS:
        url = at(maple, name, casey.public_id)
        assert f'href="{url}"' in tabs, label
    assert ">Messages</a>" in tabs
    assert 'Forms <span class="muted">(off in the portal)</span>' in tabs
    assert 'Profile changes <span class="muted">(off in the portal)</span>' in tabs
    assert 'Appointments <span class="muted">(off in the portal)</span>' in tabs
    assert 'aria-current="page">Client page</a>' in tabs


def test_with_every_feature_on_no_tab_is_marked_off(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    assert maple.portal_features == default_features()
    assert "(off in the portal)" not in tabs_of(client_page(front_desk_http, maple, casey))


def test_the_real_providers_say_what_waits_in_the_staff_words(
    maple: Practice, casey: Client, front_desk_http: HttpClient, in_maples_request: None
) -> None:
    # Whatever the features' own providers wait for, staff see their staff_text.
    expected = [step.staff_text for step in next_steps(casey, reader=None)]
    section = waiting_section(client_page(front_desk_http, maple, casey))
    for text in expected:
        assert text.replace("'", "&#x27;") in section


@pytest.mark.parametrize(("label", "name"), TABS)
def test_each_feature_tab_opens_its_page_for_staff(
    maple: Practice, casey: Client, front_desk_http: HttpClient, label: str, name: str
) -> None:
    assert front_desk_http.get(at(maple, name, casey.public_id)).status_code == 200


def test_the_people_tab_marks_itself_current(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    page = front_desk_http.get(at(maple, "clients:people", casey.public_id)).content.decode()
    assert 'aria-current="page">People</a>' in tabs_of(page)


def test_the_outsider_never_sees_the_client_page(
    maple: Practice, casey: Client, outsider_http: HttpClient
) -> None:
    response = outsider_http.get(at(maple, "clients:detail", casey.public_id))
    assert response.status_code == 302  # another practice's session counts for nothing here
    assert response["Location"].startswith(at(maple, "accounts:staff_sign_in"))
    assert b"Casey" not in response.content


def test_what_waits_on_the_practice_is_listed_apart_with_a_link_to_deal_with_it(
    maple: Practice, family: Family, owner: User, front_desk_http: HttpClient
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Mia is unwell today")
    page = client_page(front_desk_http, maple, family.mia)
    client_side, practice_side = waiting_section(page).split("Waiting for the practice")
    assert "message" not in client_side
    conversation = at(maple, "staff_messages:conversation", family.mia.public_id)
    assert f'<a href="{conversation}">1 message from the client' in practice_side
