"""Tracking webhooks, with the payloads the email services really send (through anymail)."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import LazySettings
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client, ClientEmail
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.outbox import queue_email
from portico.mail.queries import describe_delivery
from portico.practices.models import Practice
from tests.cast import at

SECRET = "hooks:a-long-webhook-secret"


def _auth(secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}


@pytest.fixture(autouse=True)
def _webhook_secret(settings: LazySettings) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sent_invite(maple: Practice, casey: Client) -> OutboundEmail:
    with transaction.atomic():
        email = queue_email(
            practice=maple,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={"greeting_name": "Casey", "link": "https://x.example/a/t"},
            client=casey,
        )
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        provider_message_id="883953f4-6105-42a2-a16a-77a8eac79483",
    )
    email.refresh_from_db()
    return email


def _postmark_bounce(email: OutboundEmail) -> dict[str, object]:
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": email.provider_message_id,
        "Metadata": {},
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "casey@example.com",
        "From": "no-reply@portico.localhost",
        "BouncedAt": "2026-11-21T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": email.subject,
        "Content": "",
    }


def test_a_postmark_bounce_marks_the_email_and_the_clients_address(
    sent_invite: OutboundEmail, casey: Client
) -> None:
    response = HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(_postmark_bounce(sent_invite)),
        content_type="application/json",
        headers=_auth(),
    )
    assert response.status_code == 200
    sent_invite.refresh_from_db()
    assert sent_invite.status == EmailStatus.BOUNCED
    assert describe_delivery(sent_invite) == (
        "Bounced: the mailbox does not exist. Check the address."
    )
    address = ClientEmail.objects.get(client=casey, address="casey@example.com")
    assert address.bounced_at is not None
    assert "does not exist" in address.bounce_reason
    event = AuditEvent.objects.filter(client=casey, action="mail.bounced").get()
    assert event.details["to"] == "casey@example.com"


def test_a_bounce_shows_on_the_client_page_next_to_the_invitation(
    maple: Practice, casey: Client, owner: User, owner_http: HttpClient
) -> None:
    sent = send_invite(casey, by=Actor.for_user(owner))
    email = OutboundEmail.objects.get(link=sent.link)
    bounce = _postmark_bounce(email) | {"Metadata": {"portico_email": str(email.pk)}}
    response = HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(bounce),
        content_type="application/json",
        headers=_auth(),
    )
    assert response.status_code == 200
    page = owner_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    panel = page[page.index('id="portal-access"') :]
    assert (
        'badge-bad">Bounced</span> <span class="delivery-sentence">The mailbox does not exist.'
        in (panel)
    )
    assert "Email to casey@example.com bounced" in page


def test_a_sendgrid_delivery_is_matched_by_the_outbox_id_it_carries(
    sent_invite: OutboundEmail,
) -> None:
    events = [
        {
            "email": "casey@example.com",
            "timestamp": 1763742834,
            "smtp-id": sent_invite.message_id,
            "event": "delivered",
            "sg_event_id": "sg_event_id_1",
            "sg_message_id": "other-provider-id.filter0001",
            "response": "250 OK",
            "portico_email": str(sent_invite.pk),
        }
    ]
    response = HttpClient().post(
        "/webhooks/anymail/sendgrid/tracking/",
        data=json.dumps(events),
        content_type="application/json",
        headers=_auth(),
    )
    assert response.status_code == 200
    sent_invite.refresh_from_db()
    assert sent_invite.status == EmailStatus.DELIVERED
    assert sent_invite.delivered_at is not None
    assert describe_delivery(sent_invite).startswith("Delivered to casey@example.com on ")


@pytest.mark.parametrize("secret", ["hooks:wrong", None])
def test_a_webhook_without_the_right_credentials_is_rejected_and_changes_nothing(
    sent_invite: OutboundEmail, casey: Client, secret: str | None
) -> None:
    headers = _auth(secret) if secret else {}
    response = HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(_postmark_bounce(sent_invite)),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code in (400, 401, 403)
    sent_invite.refresh_from_db()
    assert sent_invite.status == EmailStatus.SENT
    assert ClientEmail.objects.get(client=casey).bounced_at is None


def test_webhooks_are_off_without_a_configured_secret(
    settings: LazySettings, sent_invite: OutboundEmail
) -> None:
    settings.ANYMAIL = {}
    response = HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(_postmark_bounce(sent_invite)),
        content_type="application/json",
    )
    assert response.status_code == 404
    sent_invite.refresh_from_db()
    assert sent_invite.status == EmailStatus.SENT


def test_a_late_delay_notice_does_not_undo_a_bounce(sent_invite: OutboundEmail) -> None:
    HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(_postmark_bounce(sent_invite)),
        content_type="application/json",
        headers=_auth(),
    )
    delayed = _postmark_bounce(sent_invite) | {"Type": "Transient", "TypeCode": 2}
    HttpClient().post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(delayed),
        content_type="application/json",
        headers=_auth(),
    )
    sent_invite.refresh_from_db()
    assert sent_invite.status == EmailStatus.BOUNCED
