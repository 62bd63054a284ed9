"""A parent of two children in a real browser: two invitations, one account, switching, revoking.

Staff (desktop) send the welcome email to the parent of each child; the parent
(phone) sets up an account with the first link and adds the second child to it,
switches between the children, and keeps the other child when staff revoke one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.browser.test_access_flow import deliver_queued
from tests.cast import LEO_DOB, MIA_DOB, PAT_EMAIL, at, make_family

pytestmark = pytest.mark.usefixtures("local_mailbox")


NEW_PASSWORD = "river stones and lanterns 7"


def welcome_links(tab: Any) -> list[str]:
    """The welcome links of every email in the local mailbox, oldest first."""
    tab.goto("/mailbox/")
    pages = [
        href
        for href in tab.locator("a").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
        if href and re.fullmatch(r"/mailbox/\d+/", href)
    ]
    found = []
    for href in dict.fromkeys(pages):
        tab.goto(href)
        match = re.search(r"/p/maple/welcome/([A-Za-z0-9_-]+)/", tab.content())
        if match:
            found.append(match.group(0))
    return list(reversed(found))


def confirm_dob(tab: Any, name: str, dob: Any) -> None:
    tab.get_by_role("link", name="Get started").click()
    tab.get_by_label(f"{name}'s date of birth").fill(dob.strftime("%m/%d/%Y"))
    tab.get_by_role("button", name="Continue").click()


def test_a_parent_of_two_children_ends_with_one_account_and_switches_between_them(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:

    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    family = make_family(maple, owner)

    # Staff: the welcome email, with its recipients chosen, for each child.
    sign_in_as(page, live_server, owner)
    for child in (family.mia, family.leo):
        page.goto(at(maple, "clients:detail", child.public_id))
        page.get_by_role("link", name="Welcome email: choose recipients").click()
        if child == family.mia:
            screenshot(page, "family-01-choose-recipients-desktop")
        page.get_by_role("button", name="Send invitation(s)").click()
        page.locator(".message").get_by_text("portal invitation sent to").wait_for()
    screenshot(page, "family-02-client-panel-invited-desktop")

    deliver_queued()
    links = welcome_links(page)
    assert len(links) == 2

    # The parent, on a phone: the first link creates the account.
    phone.goto(links[0])
    phone.get_by_role("heading", name="Set up your portal account").wait_for()
    confirm_dob(phone, "Mia", MIA_DOB)
    phone.get_by_role("heading", name="Create my account").wait_for()
    screenshot(phone, "family-03-account-choice-phone")
    new = phone.locator("#new-account")
    new.get_by_label("Choose a password").fill(NEW_PASSWORD)
    new.get_by_label("Type the password again").fill(NEW_PASSWORD)
    new.get_by_role("button", name="Create my account").click()
    phone.wait_for_url("**/p/maple/profile/")  # the first next step: Mia's contact details
    phone.get_by_role("link", name="Home").click()
    phone.get_by_text("You are acting for").wait_for()
    expect(phone.locator("#acting-for")).to_contain_text("Mia (your child)", use_inner_text=True)
    screenshot(phone, "family-04-home-mia-phone")

    # The second link adds Leo to the same account.
    phone.goto(links[1])
    confirm_dob(phone, "Leo", LEO_DOB)
    existing = phone.locator("#existing-account")
    existing.get_by_label("Your email address or username").fill(PAT_EMAIL)
    existing.get_by_label("Your password").fill(NEW_PASSWORD)
    existing.get_by_role("button", name="Sign in and add Leo").click()
    phone.wait_for_url("**/p/maple/profile/")
    phone.get_by_role("link", name="Home").click()
    phone.get_by_text("You are acting for").wait_for()
    expect(phone.locator("#acting-for")).to_contain_text("Leo (your child)", use_inner_text=True)
    assert User.objects.filter(kind="portal").count() == 1
    screenshot(phone, "family-05-home-leo-phone")

    # Switching: only the chosen child shows.
    phone.get_by_role("link", name="Switch person").first.click()
    phone.get_by_role("heading", name="Who are you acting for today?").wait_for()
    screenshot(phone, "family-06-chooser-phone")
    phone.get_by_role("button", name="Mia (your child)").click()
    text = phone.locator("main").inner_text()
    assert "Mia (your child)" in text and "Leo" not in text

    # Staff revoke Mia's access for the parent.
    page.goto(at(maple, "clients:detail", family.mia.public_id))
    panel = page.locator("#portal-access")
    panel.get_by_text("Active").first.wait_for()
    screenshot(page, "family-07-client-panel-active-desktop")
    panel.get_by_role("link", name="Revoke access for this client").click()
    screenshot(page, "family-08-revoke-confirm-desktop")
    page.get_by_role("button", name="Revoke access").click()
    page.locator(".message").get_by_text("access to Mia Parent ended").wait_for()

    # The open session loses Mia at once; Leo keeps working.
    phone.reload()
    phone.get_by_text("You no longer have access to Mia's portal.").wait_for()
    screenshot(phone, "family-09-mia-revoked-phone")
    phone.get_by_role("button", name="Leo (your child)").click()
    expect(phone.locator("#acting-for")).to_contain_text("Leo (your child)", use_inner_text=True)
    screenshot(phone, "family-10-leo-still-works-phone")

    # Desktop view of the portal for the parent too.
    sign_in_as(page, live_server, User.objects.get(kind="portal"))
    page.goto(at(maple, "portal:home"))
    screenshot(page, "family-11-home-desktop")
