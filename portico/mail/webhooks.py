"""Delivery news from email services, through anymail's tracking webhooks.

anymail authenticates the request (HTTP basic auth with PORTICO_WEBHOOK_SECRET,
plus the service's own signature where it has one) and sends its ``tracking``
signal; ``record_tracking_event`` moves the outbox row and, for a bounce, marks
the client's address so staff see it on the client page.
"""

from __future__ import annotations

import re
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType
from django.db import transaction
from django.utils import timezone

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import ClientEmail
from portico.mail.models import EmailStatus, OutboundEmail

STATUS_FOR_EVENT = {
    EventType.DELIVERED: EmailStatus.DELIVERED,
    EventType.DEFERRED: EmailStatus.DEFERRED,
    EventType.BOUNCED: EmailStatus.BOUNCED,
    EventType.COMPLAINED: EmailStatus.COMPLAINED,
    EventType.REJECTED: EmailStatus.BOUNCED,
    EventType.FAILED: EmailStatus.FAILED,
}
# What each state may be replaced by: news arrives out of order, and a delivered
# email can still bounce or be marked as spam later.
MAY_FOLLOW = {
    EmailStatus.QUEUED: set(EmailStatus),
    EmailStatus.SENDING: set(EmailStatus),
    EmailStatus.SENT: set(EmailStatus),
    EmailStatus.DEFERRED: set(EmailStatus),
    EmailStatus.DELIVERED: {EmailStatus.BOUNCED, EmailStatus.COMPLAINED},
    EmailStatus.BOUNCED: {EmailStatus.COMPLAINED},
    EmailStatus.FAILED: {EmailStatus.BOUNCED, EmailStatus.COMPLAINED},
    EmailStatus.COMPLAINED: set(),
}
_REASONS = [
    (
        re.compile(
            r"does not exist|unknown user|user unknown|no such user|invalid recipient|"
            r"address rejected|mailbox unavailable|not found|5\.1\.1|hardbounce|bad-mailbox",
            re.I,
        ),
        "the mailbox does not exist. Check the address.",
    ),
    (
        re.compile(r"mailbox full|over quota|quota exceeded|5\.2\.2|insufficient", re.I),
        "the mailbox is full. Ask the client to make room, or use another address.",
    ),
    (
        re.compile(r"domain|5\.1\.2|dns|host not found", re.I),
        "the email domain does not accept mail. Check the part after the @.",
    ),
    (
        re.compile(r"spam|block|blacklist|policy|reputation", re.I),
        "the receiving server blocked it as unwanted mail. "
        "Ask the client to check with their provider.",
    ),
    (
        re.compile(r"suppress|previously bounced|inactive", re.I),
        "earlier mail to this address bounced, so the email service no longer sends to it. "
        "Check the address.",
    ),
]


def plain_reason(event: AnymailTrackingEvent) -> str:
    """Why an email did not arrive, in words staff can act on."""
    said = " ".join(
        str(part) for part in (event.reject_reason, event.description, event.mta_response) if part
    )
    for pattern, words in _REASONS:
        if pattern.search(said):
            return words
    if event.event_type == EventType.DEFERRED:
        return "the receiving server asked us to try later."
    return "the receiving server refused it." + (f" It said: {said[:200]}" if said else "")


def find_email(event: AnymailTrackingEvent) -> OutboundEmail | None:
    metadata: dict[str, Any] = event.metadata or {}
    outbox_id = str(metadata.get("portico_email", ""))
    if outbox_id.isdigit():
        found = OutboundEmail.objects.filter(pk=int(outbox_id)).first()
        if found is not None:
            return found
    if event.message_id:
        message_id = str(event.message_id)
        return (
            OutboundEmail.objects.filter(provider_message_id=message_id).first()
            or OutboundEmail.objects.filter(message_id=message_id).first()
            or OutboundEmail.objects.filter(message_id=f"<{message_id.strip('<>')}>").first()
        )
    return None


@transaction.atomic
def record_tracking_event(
    event: AnymailTrackingEvent, *, esp_name: str = ""
) -> OutboundEmail | None:
    status = STATUS_FOR_EVENT.get(event.event_type)
    if status is None:
        return None  # opened, clicked, queued, sent: nothing staff need here
    email = find_email(event)
    if email is None:
        return None
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if status not in MAY_FOLLOW[EmailStatus(email.status)]:
        return email
    now = timezone.now()
    email.status = status
    email.status_changed_at = now
    email.next_attempt_at = None  # the service retries a delay itself
    fields = ["status", "status_changed_at", "next_attempt_at", "status_detail"]
    email.status_detail = ""
    if status == EmailStatus.DELIVERED:
        email.delivered_at = event.timestamp or now
        fields.append("delivered_at")
    elif status in (EmailStatus.BOUNCED, EmailStatus.DEFERRED, EmailStatus.FAILED):
        email.status_detail = plain_reason(event)[:500]
    email.save(update_fields=fields)
    if status == EmailStatus.BOUNCED and email.client_id is not None:
        ClientEmail.objects.filter(
            client_id=email.client_id, address__iexact=email.to_address
        ).update(bounced_at=now, bounce_reason=email.status_detail[:300])
    if email.client is not None:
        record(
            Action(f"mail.{status}"),
            practice=email.practice,
            actor=Actor.system(),
            client=email.client,
            details={
                "email": email.get_kind_display(),
                "to": email.to_address,
                "reason": email.status_detail,
                "service": esp_name,
            },
        )
    return email


def on_tracking(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    record_tracking_event(event, esp_name=esp_name)
