"""Your next step: the portal home lists what the practice waits for; sign-in and
registration go straight to the first of it.

With nothing waiting (only messages on, none sent) the real providers return nothing
and everything leads home; ``tests.portal.waiting_provider`` — a real provider with
fixed steps — proves the order, the counts and the redirects; the last tests use the
features' own providers (an intake set of two forms, the profile to confirm).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.portal import next_steps as next_steps_module
from portico.portal.next_steps import next_steps
from portico.portal.queries import next_step_url
from portico.practices.models import PortalFeature, Practice
from tests.cast import (
    CASEY_DOB,
    LEO_DOB,
    PASSWORD,
    Family,
    access_of,
    at,
    attach,
    by,
    invite,
    make_client,
    open_link,
    register_new,
)
from tests.intake.helpers import about_you, consent
from tests.portal import waiting_provider
from tests.portal.conftest import signed_in

NEW_PASSWORD = "a long unusual phrase 42"


@pytest.fixture
def waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The practice waits for 2 forms and 1 message (the stand-in provider, for forms)."""
    monkeypatch.setattr(
        next_steps_module, "PROVIDERS", ((PortalFeature.FORMS, waiting_provider.MODULE),)
    )


def nothing_waiting(practice: Practice) -> None:
    """Messages only, and none sent: the practice's real providers have nothing to say."""
    practice.portal_features = [PortalFeature.MESSAGES.value]
    practice.save(update_fields=["portal_features"])


def test_with_nothing_waiting_the_next_step_is_the_portal_home(
    maple: Practice, casey: Client, casey_account: User, in_maples_request: None
) -> None:
    nothing_waiting(maple)
    casey.refresh_from_db()
    assert next_steps(casey, reader=access_of(casey)) == []
    assert next_step_url(casey_account) == "/p/maple/"


def test_the_steps_come_most_urgent_first_with_their_counts(
    maple: Practice, casey: Client, casey_account: User, waiting: None, in_maples_request: None
) -> None:
    steps = next_steps(casey, reader=None)
    assert [(step.feature, step.count) for step in steps] == [
        (PortalFeature.FORMS, 2),
        (PortalFeature.MESSAGES, 1),
    ]
    assert next_step_url(casey_account) == "/p/maple/forms/"


def test_a_feature_that_is_off_is_not_asked_for_steps(
    maple: Practice, casey: Client, casey_account: User, waiting: None, in_maples_request: None
) -> None:
    maple.portal_features = [PortalFeature.MESSAGES.value]
    maple.save(update_fields=["portal_features"])
    casey.refresh_from_db()
    assert next_steps(casey, reader=None) == []
    assert next_step_url(casey_account) == "/p/maple/"


def test_signing_in_goes_home_where_the_first_step_comes_first(
    maple: Practice, casey_account: User, waiting: None
) -> None:
    http = HttpClient()
    response = http.post(
        at(maple, "portal:sign_in"),
        {"identifier": "casey", "password": PASSWORD},
    )
    assert response["Location"] == at(maple, "portal:home")
    page = http.get(response["Location"]).content.decode()
    assert page.index("Complete 2 forms") < page.index("Read 1 new message")


def test_signing_in_with_nothing_waiting_goes_home(maple: Practice, casey_account: User) -> None:
    nothing_waiting(maple)
    response = HttpClient().post(
        at(maple, "portal:sign_in"),
        {"identifier": "casey", "password": PASSWORD},
    )
    assert response["Location"] == at(maple, "portal:home")


def test_registration_takes_the_new_client_to_the_first_step(
    maple: Practice, casey: Client, owner: User, waiting: None
) -> None:
    http = HttpClient()
    open_link(http, maple, send_invite(casey, by=by(owner)).link, CASEY_DOB)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/p/maple/forms/"


def test_registration_with_nothing_waiting_lands_on_the_portal_home(
    maple: Practice, casey: Client, owner: User
) -> None:
    nothing_waiting(maple)
    http = HttpClient()
    open_link(http, maple, send_invite(casey, by=by(owner)).link, CASEY_DOB)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response["Location"] == at(maple, "portal:home")


def test_a_parent_registering_for_a_second_child_goes_to_that_childs_first_step(
    maple: Practice, family: Family, owner: User, waiting: None
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    http = HttpClient()
    open_link(http, maple, invite(family.pat_for_leo, owner), LEO_DOB)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"path": "existing", "identifier": pat.username, "password": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/p/maple/forms/"
    page = http.get(at(maple, "portal:home")).content.decode()
    assert "Complete 2 forms for Leo" in page


def test_with_two_people_and_none_chosen_sign_in_goes_home_to_choose(
    maple: Practice, family: Family, owner: User, waiting: None
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    attach(invite(family.pat_for_leo, owner), pat)
    http = signed_in(maple, pat.username)
    assert http.get(at(maple, "portal:home"))["Location"] == at(maple, "portal:choose")
    response = HttpClient().post(
        at(maple, "portal:sign_in"),
        {"identifier": pat.username, "password": PASSWORD},
    )
    assert response["Location"] == at(maple, "portal:home")


def test_the_home_page_lists_each_step_with_a_button_most_urgent_first(
    maple: Practice, casey_account: User, waiting: None
) -> None:
    page = signed_in(maple, "casey").get(at(maple, "portal:home")).content.decode()
    forms = page.index('href="/p/maple/forms/">Complete 2 forms</a>')
    messages = page.index('href="/p/maple/messages/">Read 1 new message</a>')
    assert forms < messages
    assert "most urgent first" in page
    assert "You're all set" not in page


def test_a_parent_sees_the_steps_of_the_child_they_act_for(
    maple: Practice, family: Family, owner: User, waiting: None
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    page = signed_in(maple, pat.username).get(at(maple, "portal:home")).content.decode()
    assert "Mia (your child)" in page
    assert "What Maple Counseling needs for Mia" in page
    assert "Complete 2 forms for Mia" in page
    assert access_of(family.pat_for_mia).user == pat


def test_with_nothing_waiting_the_home_says_all_set_and_offers_the_menu(
    maple: Practice, casey_account: User
) -> None:
    nothing_waiting(maple)
    page = signed_in(maple, "casey").get(at(maple, "portal:home")).content.decode()
    assert "You're all set." in page
    assert page.count('href="/p/maple/messages/">Messages</a>') == 2  # the menu, and here


# --- with the features' own providers ---------------------------------------------------------


def test_a_new_client_with_an_intake_set_is_taken_to_the_forms_after_registering(
    maple: Practice, owner: User
) -> None:
    about_you(maple, owner, in_intake_set=True, intake_order=1)
    consent(maple, owner, in_intake_set=True, intake_order=2)
    ada = make_client(maple, owner, "Ada", "New", emails=("ada@example.com",))
    http = HttpClient()
    open_link(http, maple, send_invite(ada, by=by(owner)).link, CASEY_DOB)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/p/maple/forms/")
    assert http.get(response["Location"]).status_code == 200
    home = http.get(at(maple, "portal:home")).content.decode()
    steps = re.findall(r'<li class="next-step">\s*<a class="button[^"]*" href="([^"]+)"', home)
    assert steps[0].startswith("/p/maple/forms/")
    assert "/p/maple/profile/" in steps  # "Confirm your contact details" comes after the forms


def test_with_intake_forms_off_the_new_client_starts_elsewhere(
    maple: Practice, owner: User
) -> None:
    about_you(maple, owner, in_intake_set=True, intake_order=1)
    maple.intake_auto_assign = False
    maple.save(update_fields=["intake_auto_assign"])
    ada = make_client(maple, owner, "Ada", "New", emails=("ada@example.com",))
    http = HttpClient()
    open_link(http, maple, send_invite(ada, by=by(owner)).link, CASEY_DOB)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert not response["Location"].startswith("/p/maple/forms/")
