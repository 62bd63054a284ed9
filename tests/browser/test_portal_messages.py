"""Secure messages in a real browser, on a desktop and on a phone.

Staff write to Casey → the email in the local mailbox says only that a message is
waiting → Casey follows its link, signs in through the sign-in form, reads and
replies → the staff inbox shows the conversation unread.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portico.access.actions import send_invite
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import LocalMailboxMessage
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at
from tests.mail.conftest import run_worker

pytestmark = pytest.mark.usefixtures("local_mailbox")


SECRET = "Your lab results came back normal"
REPLY = "Thank you! See you on Thursday."


@pytest.fixture
def casey_account(maple: Practice, casey: Client, owner: User) -> User:
    sent = send_invite(casey, by=Actor.for_user(owner))
    account = redeem_invite(
        sent.link, by=Actor.system(), username="casey", password=PASSWORD, at=timezone.now()
    )
    assert account is not None
    return account


@pytest.mark.parametrize("device", ["page", "phone"])
def test_staff_write_the_client_is_emailed_reads_and_replies_and_staff_see_it_unread(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    tab_factory: Any,
    maple: Practice,
    casey: Client,
    casey_account: User,
    clinician: User,
) -> None:

    # Clara writes to Casey.
    staff = tab_factory(device)
    sign_in_as(staff, live_server, clinician)
    staff.goto(at(maple, "staff_messages:conversation", casey.public_id))
    staff.get_by_label("Your message").fill(SECRET)
    staff.get_by_role("button", name="Send message").click()
    staff.get_by_text("Your message was sent to Casey Client").wait_for()
    expect(staff.get_by_text(SECRET)).to_be_visible()
    screenshot(staff, f"messages-staff-sent-{device}")

    # The email says only that a message is waiting.
    run_worker()
    mail = LocalMailboxMessage.objects.filter(subject__contains="new message").latest("received_at")
    assert SECRET not in mail.text_body and SECRET not in mail.html_body
    client_tab = request.getfixturevalue(device)
    client_tab.goto(f"/mailbox/{mail.pk}/")
    client_tab.get_by_role(
        "heading", name="You have a new message from Maple Counseling"
    ).wait_for()
    text = client_tab.locator(".mailbox-text").inner_text()
    assert "A new message is waiting for you" in text and SECRET not in text
    screenshot(client_tab, f"messages-email-{device}")

    # Casey follows the link and signs in through the form.
    link = re.search(r"https?://\S+/messages/", mail.text_body)
    assert link is not None
    client_tab.goto(urlsplit(link.group(0)).path)
    client_tab.get_by_label("Email address or username").fill("casey")
    client_tab.get_by_label("Password", exact=True).fill(PASSWORD)
    client_tab.get_by_role("button", name="Sign in").click()
    client_tab.get_by_role("heading", name="Messages with Maple Counseling").wait_for()
    expect(client_tab.get_by_text(SECRET)).to_be_visible()
    expect(client_tab.get_by_text("Clara Staff")).to_be_visible()
    screenshot(client_tab, f"messages-portal-read-{device}")

    # She replies.
    client_tab.get_by_label("Your message").fill(REPLY)
    client_tab.get_by_role("button", name="Send message").click()
    client_tab.get_by_text("Your message was sent to Maple Counseling.").wait_for()
    expect(client_tab.locator(".msg-mine", has_text=REPLY)).to_be_visible()
    screenshot(client_tab, f"messages-portal-replied-{device}")

    # The inbox shows Casey's conversation unread, and the top bar counts it.
    staff.goto(at(maple, "staff_messages:inbox"))
    row = staff.locator("tr", has_text="Casey Client")
    expect(row.get_by_text("1 unread")).to_be_visible()
    assert "1 unread conversation" in staff.locator("nav.mainnav").inner_text() or (
        staff.locator("nav.mainnav .badge").count() == 1
    )
    screenshot(staff, f"messages-staff-inbox-unread-{device}")
    row.get_by_role("link", name="Casey Client").click()
    staff.get_by_text(REPLY).wait_for()
    screenshot(staff, f"messages-staff-conversation-{device}")
