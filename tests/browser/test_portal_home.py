"""The portal home's "Your next step" and menu, the settings' feature switches, and the
client page's "Waiting for the client", in a real browser at desktop and phone widths.

The steps come from the features' own providers: the practice has an intake set of
two forms, and a new client has not confirmed their contact details yet.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in_as
from tests.browser.test_portal import sign_in
from tests.cast import PASSWORD, at, invite, make_client, make_family, register_new
from tests.intake.helpers import about_you, consent
from tests.portal.conftest import register


@pytest.fixture
def ada(maple: Practice, owner: User) -> Client:
    """A new client of a practice with an intake set of two forms; her account exists."""
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    about_you(maple, owner, in_intake_set=True, intake_order=1)
    consent(maple, owner, in_intake_set=True, intake_order=2)
    client = make_client(maple, owner, "Ada", "New", emails=("ada@example.com",))
    register(client, owner, username="ada")
    return client


def portal_menu_labels(tab: Any) -> list[str]:
    menu = tab.get_by_role("navigation", name="Portal")
    return [text.strip() for text in menu.get_by_role("link").all_inner_texts()]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_home_lists_the_next_steps_most_urgent_first_with_a_button_to_each(
    request: pytest.FixtureRequest, transactional_db: None, width: str, maple: Practice, ada: Client
) -> None:
    tab = request.getfixturevalue("page" if width == "desktop" else "phone")
    sign_in(tab, maple, "ada", PASSWORD)
    # Signing in goes home, where the steps wait, the forms first.
    tab.get_by_role("heading", name="Your next step").wait_for()
    steps = tab.locator("li.next-step a")
    texts = steps.all_inner_texts()
    assert len(texts) == 2, texts
    assert "2 forms" in texts[0]
    assert texts[1] == "Confirm your contact details"
    assert portal_menu_labels(tab)[:5] == ["Home", "Forms", "Messages", "Profile", "Insurance"]
    current = tab.get_by_role("navigation", name="Portal").locator("[aria-current=page]")
    assert current.inner_text() == "Home"
    if width == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(tab, f"portal-home-next-steps-{width}")
    steps.first.click()
    tab.wait_for_url(re.compile("/forms/"))


def test_with_nothing_waiting_the_home_says_all_set(
    phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    maple.portal_features = [PortalFeature.MESSAGES.value, PortalFeature.INSURANCE.value]
    maple.save(update_fields=["portal_features"])
    bo = make_client(maple, owner, "Bo", "Done", emails=("bo@example.com",))
    register(bo, owner, username="bo")
    sign_in(phone, maple, "bo", PASSWORD)
    phone.get_by_text("You're all set.").wait_for()
    assert portal_menu_labels(phone) == ["Home", "Messages", "Insurance"]
    screenshot(phone, "portal-home-all-set-phone")


def test_a_parent_sees_the_childs_next_steps(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    about_you(maple, owner, in_intake_set=True, intake_order=1)
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner))
    sign_in(page, maple, pat.username, PASSWORD)
    page.get_by_role("link", name="Home").click()
    page.get_by_text("You are acting for Mia (your child).").wait_for()
    page.get_by_text("What Maple Counseling needs for Mia").wait_for()
    screenshot(page, "portal-home-next-steps-parent-desktop")


def test_the_settings_page_shows_the_feature_switches(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "practices:settings"))
    portal = page.get_by_role("region", name="Portal")
    boxes = portal.get_by_role("checkbox")
    switches = portal.get_by_role("group", name="Portal features clients can use")
    labels = [text.split(":")[0].strip() for text in switches.locator("label").all_inner_texts()]
    assert labels[:4] == ["Forms", "Secure messages", "Profile", "Insurance"]
    assert boxes.count() >= 6  # the features, then intake and review
    page.get_by_label("Give every new client the practice's intake forms").uncheck()
    page.get_by_label("Secure messages: clients write to you").uncheck()
    screenshot(page, "settings-portal-features-desktop")
    portal.screenshot(path=str(SCREENSHOTS / "settings-portal-section-desktop.png"))
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Practice settings saved.").wait_for()
    maple.refresh_from_db()
    assert PortalFeature.MESSAGES.value not in maple.portal_features
    assert maple.intake_auto_assign is False


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_client_page_shows_what_is_waiting_and_the_feature_tabs(
    request: pytest.FixtureRequest,
    transactional_db: None,
    width: str,
    live_server: Any,
    maple: Practice,
    owner: User,
    ada: Client,
) -> None:
    maple.portal_features = [PortalFeature.FORMS.value, PortalFeature.PROFILE.value]
    maple.save(update_fields=["portal_features"])
    tab = request.getfixturevalue("page" if width == "desktop" else "phone")
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:detail", ada.public_id))
    waiting = tab.get_by_role("region", name="Waiting for the client")
    waiting.get_by_text("2 forms").wait_for()
    waiting.get_by_text("Contact details never confirmed by the client").wait_for()
    tabs = tab.get_by_role("navigation", name="Client sections")
    expect(tabs.get_by_role("link", name="Messages (off in the portal)")).to_have_count(1)
    expect(tabs.get_by_role("link", name="Forms", exact=True)).to_have_count(1)
    if width == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(tab, f"client-page-waiting-{width}")
    tabs.get_by_role("link", name="Forms", exact=True).click()
    tab.wait_for_url(re.compile("/staff/forms/clients/"))
