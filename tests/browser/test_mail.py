"""Email in a real browser: the local mailbox, bounced state for staff, the template editor."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone
from playwright.sync_api import expect

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailKind, EmailTemplateOverride, LocalMailboxMessage, OutboundEmail
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at
from tests.mail.conftest import run_worker

pytestmark = pytest.mark.usefixtures("local_mailbox")


def _deliver_invite(practice: Practice, client: Client, link: str) -> LocalMailboxMessage:
    with transaction.atomic():
        queue_email(
            practice=practice,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={
                "greeting_name": client.greeting_name,
                "link": link,
                "link_expires": timezone.now() + timedelta(hours=48),
            },
            client=client,
        )
    run_worker()
    return LocalMailboxMessage.objects.latest("received_at")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_local_mailbox_lists_emails_and_their_links_can_be_followed(
    request: pytest.FixtureRequest, device: str, live_server: Any, maple: Practice, casey: Client
) -> None:

    tab = request.getfixturevalue(device)
    _deliver_invite(maple, casey, f"{live_server.url}/healthz")
    tab.goto("/mailbox/")
    expect(tab.get_by_role("heading", name="Local mailbox")).to_be_visible()
    screenshot(tab, f"mail-mailbox-list-{device}")
    tab.get_by_role("link", name="Maple Counseling").first.click()
    tab.wait_for_url("**/mailbox/*/")
    expect(tab.get_by_text("casey@example.com").first).to_be_visible()
    tab.frame_locator("iframe.mailbox-html").get_by_text("Set up my account").wait_for()
    screenshot(tab, f"mail-mailbox-message-{device}")
    tab.locator(".mailbox-text a", has_text="/healthz").click()
    tab.wait_for_url("**/healthz")
    assert '"ok"' in tab.content()


WEBHOOK_SECRET = "hooks:a-long-webhook-secret"


def _postmark_bounce(email: OutboundEmail) -> dict[str, object]:
    """A Postmark bounce webhook, as Postmark sends it (it echoes our metadata)."""
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"portico_email": str(email.pk)},
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email.to_address,
        "From": "no-reply@portico.localhost",
        "BouncedAt": "2026-11-21T16:33:54.9070259Z",
        "Inactive": True,
        "CanActivate": True,
        "Subject": email.subject,
    }


@pytest.mark.parametrize("device", ["page", "phone"])
def test_staff_see_bounced_on_the_client_page_and_in_email_activity(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    settings: LazySettings,
    maple: Practice,
    casey: Client,
    owner: User,
) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET}
    tab = request.getfixturevalue(device)
    sent = send_invite(casey, by=Actor.for_user(owner))
    run_worker()
    email = OutboundEmail.objects.get(link=sent.link)
    credentials = base64.b64encode(WEBHOOK_SECRET.encode()).decode()
    response = HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(_postmark_bounce(email)),
        content_type="application/json",
        headers={"Authorization": f"Basic {credentials}"},
    )
    assert response.status_code == 200

    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "clients:detail", casey.public_id))
    panel = tab.locator("#portal-access")
    expect(panel.locator(".access-email .badge")).to_have_text("Bounced")
    expect(panel.locator(".access-email")).to_contain_text(
        "The mailbox does not exist. Check the address."
    )
    expect(tab.get_by_text("Email to casey@example.com bounced").first).to_be_visible()
    screenshot(tab, f"mail-bounced-client-{device}")

    tab.goto(at(maple, "mail:activity"))
    row = tab.locator("tbody tr", has_text="casey@example.com").first
    expect(row.locator(".badge")).to_have_text("Bounced")
    expect(row).to_contain_text("The mailbox does not exist")
    screenshot(tab, f"mail-bounced-activity-{device}")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_template_editor_refuses_a_date_of_birth_placeholder_and_says_where(
    request: pytest.FixtureRequest, device: str, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(device)
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "mail:activity"))
    tab.get_by_role("link", name="Email templates").click()
    tab.get_by_role("link", name="Portal invitation").click()
    tab.get_by_label("Email text").fill(
        "Hello {{ greeting_name }},\nborn {{ client_dob }}\n{{ link }}"
    )
    tab.get_by_role("button", name="Save").click()
    expect(tab.locator("#template-errors")).to_contain_text("Nothing was saved")
    expect(
        tab.get_by_text("Line 2, column 6: {{ client_dob }} is not a placeholder")
    ).to_be_visible()
    screenshot(tab, f"mail-template-refused-{device}")
    assert not EmailTemplateOverride.objects.filter(practice=maple).exists()
