"""Browser walk of the People tab and the coming-of-age review, at desktop and phone width."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from portico.access.people import add_contact
from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.minors import find_clients_coming_of_age
from portico.clients.models import Client, Contact
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client

TABS = ["page", "phone"]


def _minor(maple: Practice, owner: User) -> Client:
    casey = make_client(
        maple,
        owner,
        "Casey",
        "Young",
        dob=date(2011, 5, 2),
        emails=("casey.young@example.com",),
        portal_access_enabled=False,
    )
    add_contact(
        casey,
        by=Actor.for_user(owner),
        first_name="Pat",
        last_name="Young",
        relationship="parent",
        email="pat@example.com",
        phone="555 010 2030",
        is_primary=True,
        portal_access_enabled=True,
    )
    return casey


@pytest.mark.parametrize("tab_name", TABS)
def test_staff_add_a_guardian_with_the_typo_hint_and_record_consent(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    casey = _minor(maple, owner)
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:people", casey.public_id))
    expect(tab.get_by_role("heading", name="Pat Young")).to_be_visible()
    expect(tab.get_by_text("cannot join video sessions until telehealth consent")).to_be_visible()
    screenshot(tab, f"people-{tab_name}")

    tab.get_by_role("link", name="Add a person").click()
    tab.get_by_label("First name").fill("Sam")
    tab.get_by_label("Last name").fill("Young")
    tab.get_by_label("Relationship to the client").select_option("guardian")
    tab.get_by_label("Email address").fill("sam@gmial.com")
    tab.get_by_role("button", name="Add person").click()
    expect(tab.get_by_text("Did you mean sam@gmail.com?")).to_be_visible()
    screenshot(tab, f"people-add-hint-{tab_name}")
    tab.get_by_role("button", name="Use sam@gmail.com").click()
    expect(tab.get_by_role("heading", name="Sam Young")).to_be_visible()
    assert Contact.objects.get(first_name="Sam").email == "sam@gmail.com"

    tab.get_by_role("button", name="Record telehealth consent for Pat Young").click()
    expect(tab.get_by_text("Telehealth consent for Pat Young was recorded.")).to_be_visible()
    assert Contact.objects.get(first_name="Pat").telehealth_consent_at is not None
    screenshot(tab, f"people-consent-{tab_name}")


@pytest.mark.parametrize("tab_name", TABS)
def test_staff_review_a_client_who_came_of_age(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    with time_machine.travel("2023-01-10 15:00Z"):
        casey = _minor(maple, owner)
    Client.objects.filter(pk=casey.pk).update(date_of_birth=date(2007, 11, 21))
    with time_machine.travel("2025-11-21 15:00Z"):
        find_clients_coming_of_age()
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:detail", casey.public_id))
    expect(tab.get_by_text("Casey turned 18 on Nov 21.")).to_be_visible()
    screenshot(tab, f"coming-of-age-banner-{tab_name}")
    tab.get_by_role("link", name="Review portal access").click()
    screenshot(tab, f"coming-of-age-review-{tab_name}")
    tab.get_by_role("button", name="Mark reviewed").click()
    expect(tab.get_by_text("Choose Keep access or End access for Pat Young.").first).to_be_visible()
    tab.get_by_label("End access").check()
    tab.get_by_label("Turn on Casey's own portal access and send the invitation").check()
    tab.get_by_role("button", name="Mark reviewed").click()
    expect(tab.get_by_text("The review of Casey Young is done.")).to_be_visible()
    assert not access_is_on(Contact.objects.get(first_name="Pat"))
    screenshot(tab, f"coming-of-age-done-{tab_name}")
