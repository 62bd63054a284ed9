"""The whole invitation journey in a real browser, staff on a desktop, the client on a phone.

Staff add a client with an email → the invitation appears in the local mailbox →
the client opens the link (ten times) → a wrong date of birth → the right one →
a password → the portal. Staff then see "Active" with the username, disable
access (the right password no longer works) and enable it again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portico.access.actions import send_invite
from portico.access.models import AccessLink
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.delivery import send_outbound_email
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at

pytestmark = pytest.mark.usefixtures("local_mailbox")


NEW_PASSWORD = "river stones and lanterns 7"


def deliver_queued() -> None:
    """What the worker does: hand every queued email to the (local mailbox) backend."""
    for email_id in OutboundEmail.objects.filter(status=EmailStatus.QUEUED).values_list(
        "pk", flat=True
    ):
        send_outbound_email(email_id)


def portal_sign_in(tab: Any, practice: Practice, identifier: str, password: str) -> None:
    tab.goto(at(practice, "portal:sign_in"))
    tab.get_by_label("Email address or username").fill(identifier)
    tab.get_by_label("Password", exact=True).fill(password)
    tab.get_by_role("button", name="Sign in").click()


def test_from_adding_a_client_to_an_active_portal_account_and_back(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:

    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])

    # Staff add a client with an email: the practice invites on add.
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "clients:add"))
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Lake")
    page.get_by_label("Date of birth").fill("03/08/1992")
    page.get_by_label("Email address").fill("robin.lake@example.com")
    page.get_by_role("button", name=re.compile("Add client")).click()
    page.get_by_role("heading", name="Portal access").wait_for()
    screenshot(page, "access-01-client-added-desktop")
    expect(page.locator("#portal-access")).to_contain_text("Invited", use_inner_text=True)

    # The invitation arrives in the local mailbox.
    deliver_queued()
    page.goto("/mailbox/")
    screenshot(page, "access-02-mailbox-desktop")
    page.get_by_role("link", name=re.compile("Set up your Maple Counseling")).click()
    page.wait_for_url("**/mailbox/*/")
    body = page.content()
    match = re.search(r"/p/maple/welcome/([A-Za-z0-9_-]+)/", body)
    assert match, "the invitation link is in the email"
    screenshot(page, "access-03-invitation-email-desktop")
    link_path = match.group(0)

    # The client opens it ten times (scanners, reloads): nothing is spent.
    for _ in range(10):
        phone.goto(link_path)
    assert phone.url.endswith("/p/maple/welcome/")
    assert AccessLink.objects.get(email="robin.lake@example.com").used_at is None
    phone.get_by_role("heading", name="Set up your portal account").wait_for()
    screenshot(phone, "access-04-landing-phone")

    # A wrong date of birth: a clear error that reveals nothing.
    phone.get_by_role("link", name="Get started").click()
    phone.get_by_label("Your date of birth").fill("08/03/1992")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_text("does not match our records").wait_for()
    assert "03/08/1992" not in phone.content()
    screenshot(phone, "access-05-wrong-dob-phone")

    # The right one leads to the password step; requirements are shown up front.
    phone.get_by_label("Your date of birth").fill("03/08/1992")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_text("at least 12 characters").wait_for()
    screenshot(phone, "access-06-credentials-phone")
    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type the password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set up my account").click()
    # Straight to the first thing the practice waits for (here: confirm the contact details).
    phone.wait_for_url(re.compile(r"/p/maple/profile/$"))
    phone.get_by_role("link", name="Home").click()
    phone.wait_for_url(re.compile(r"/p/maple/$"))
    screenshot(phone, "access-07-portal-home-phone")

    # Staff now see Active with the username.
    page.goto(at(maple, "clients:list"))
    screenshot(page, "access-08-client-list-desktop")
    page.get_by_role("link", name=re.compile("Robin")).first.click()
    panel = page.locator("#portal-access")
    panel.get_by_text("Active").first.wait_for()
    expect(panel).to_contain_text("Username robin.lake", use_inner_text=True)
    screenshot(page, "access-09-active-desktop")

    # Disable: the right password no longer signs in.
    panel.get_by_role("button", name="Disable portal access").click()
    page.locator(".message").get_by_text("Portal access turned off").wait_for()
    screenshot(page, "access-10-disabled-desktop")
    phone.context.clear_cookies()
    portal_sign_in(phone, maple, "robin.lake@example.com", NEW_PASSWORD)
    phone.get_by_text("Your portal access is turned off").wait_for()
    screenshot(phone, "access-11-disabled-sign-in-phone")

    # Enable: it does again.
    page.locator("#portal-access").get_by_role("button", name="Enable portal access").click()
    page.locator(".message").get_by_text("Portal access turned on").wait_for()
    portal_sign_in(phone, maple, "robin.lake@example.com", NEW_PASSWORD)
    phone.wait_for_url(re.compile(r"/p/maple/$"))
    screenshot(phone, "access-12-signed-in-again-phone")


def test_dead_links_and_the_temporary_password_pages_read_well(
    page: Any,
    phone: Any,
    live_server: Any,
    maple: Practice,
    owner: User,
    casey: Client,
    noah: Client,
) -> None:
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    send_invite(casey, by=Actor.for_user(owner))
    email = OutboundEmail.objects.filter(client=casey).latest("created_at")
    match = re.search(r"/p/maple/welcome/([A-Za-z0-9_-]+)/", email.text_body)
    assert match
    send_invite(casey, by=Actor.for_user(owner))  # supersedes the first
    phone.goto(match.group(0))
    phone.get_by_text("A newer link was sent to you").wait_for()
    screenshot(phone, "access-20-dead-link-superseded-phone")
    page.goto(at(maple, "access:welcome_link", "not-a-real-token"))
    page.get_by_text("This link is not valid").wait_for()
    screenshot(page, "access-21-dead-link-unknown-desktop")

    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "clients:detail", noah.public_id))
    screenshot(page, "access-22-not-invited-no-email-desktop")
    page.locator("#portal-access").get_by_role("link", name="Set a temporary password").click()
    page.get_by_role("button", name="Set temporary password").wait_for()
    screenshot(page, "access-23-temporary-password-confirm-desktop")
    page.get_by_role("button", name="Set temporary password").click()
    page.get_by_text("This is the only time it is shown").wait_for()
    screenshot(page, "access-24-temporary-password-shown-desktop")
    sign_in_as(phone, live_server, owner)
    phone.goto(at(maple, "clients:detail", casey.public_id))
    screenshot(phone, "access-25-client-panel-phone")
