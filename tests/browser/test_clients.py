"""Browser walk through the client screens, at desktop and phone width, with screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.actions import add_client_email
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client

TABS = ["page", "phone"]


def _cast(maple: Practice, owner: User) -> None:
    make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    make_client(maple, owner, "Noah", "Nomail", portal_access_enabled=False)
    make_client(maple, owner, "Robert", "Stone", preferred_name="Bobby", phone="555 010 2030")


@pytest.mark.parametrize("tab_name", TABS)
def test_staff_search_the_client_list(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    _cast(maple, owner)
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:list"))
    expect(tab.get_by_role("heading", name="Clients")).to_be_visible()
    screenshot(tab, f"clients-list-{tab_name}")
    tab.get_by_label("Search clients").fill("sto")
    tab.get_by_role("button", name="Search").click()
    expect(tab.get_by_role("link", name="Stone, Robert")).to_be_visible()
    expect(tab.get_by_role("link", name="Client, Casey")).to_have_count(0)
    screenshot(tab, f"clients-search-{tab_name}")


@pytest.mark.parametrize("tab_name", TABS)
def test_adding_a_client_with_a_mistyped_email_offers_the_fix_in_one_click(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:list"))
    tab.get_by_role("link", name="Add client").click()
    tab.get_by_label("First name").fill("Jane")
    tab.get_by_label("Last name").fill("Doe")
    tab.get_by_label("Date of birth").fill("04/12/1990")
    tab.get_by_label("Email address").fill("jane@gmial.com")
    screenshot(tab, f"clients-add-{tab_name}")
    tab.get_by_role("button", name="Add client").click()
    expect(tab.get_by_text("Did you mean jane@gmail.com?")).to_be_visible()
    expect(tab.get_by_role("button", name="Keep jane@gmial.com")).to_be_visible()
    if tab_name == "page":  # mobile Chromium ignores autofocus (no surprise keyboard)
        # The one-click choice has the focus, so Enter accepts it.
        assert tab.evaluate("document.activeElement.textContent") == "Use jane@gmail.com"
    assert not Client.objects.filter(first_name="Jane").exists()
    screenshot(tab, f"clients-add-typo-hint-{tab_name}")
    tab.get_by_role("button", name="Use jane@gmail.com").click()
    expect(tab.get_by_role("heading", name="Jane Doe")).to_be_visible()
    expect(tab.get_by_text("the portal invitation was sent to jane@gmail.com")).to_be_visible()
    assert ClientEmail.objects.get(client__first_name="Jane").address == "jane@gmail.com"
    screenshot(tab, f"clients-detail-{tab_name}")


@pytest.mark.parametrize("tab_name", TABS)
def test_personal_information_edit_and_moving_the_default_star(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    casey = make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    ClientEmail.objects.filter(address="casey@work.example").update(
        bounced_at=casey.created_at, bounce_reason="550 mailbox unavailable"
    )
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:detail", casey.public_id))
    tab.get_by_text("Actions").click()
    screenshot(tab, f"clients-actions-menu-{tab_name}")
    tab.get_by_role("link", name="Personal information", exact=True).click()
    screenshot(tab, f"clients-personal-information-{tab_name}")
    tab.get_by_label("Date of birth").fill("04/21/1990")
    tab.locator("#id_phone").fill("+1 555 010 9999")
    tab.get_by_role("button", name="Save personal information").click()
    expect(tab.get_by_text("Personal information saved.")).to_be_visible()
    tab.get_by_role("button", name="Make default casey@work.example").click()
    expect(tab.get_by_text("casey@work.example is now the default")).to_be_visible()
    casey.refresh_from_db()
    assert casey.date_of_birth.isoformat() == "1990-04-21"
    assert ClientEmail.objects.get(is_default=True).address == "casey@work.example"
    screenshot(tab, f"clients-default-star-moved-{tab_name}")


def test_the_stylesheet_is_served(page: Any, live_server: Any) -> None:
    response = page.request.get(f"{live_server.url}/static/portico/portico.css")
    assert response.status == 200
    assert "--accent" in response.text()
