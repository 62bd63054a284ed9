"""Which audit actions are webhook events, and what a delivery says about them.

``queue_event_deliveries`` is called by ``portico.audit.record`` for every event it
writes, inside the transaction of the change: an action that is no webhook event
(sign-ins, views, settings) returns at the first line, without a query. For a
webhook event it reads the practice's enabled endpoints (one indexed query) and,
only if one subscribes, writes one delivery row per endpoint (one INSERT), with
the delivery task enqueued in the same transaction.

Payloads carry ids and states only: never a name, a date of birth, an address,
a token or the text of an email or message.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from portico.audit.vocabulary import Action
from portico.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from portico.audit.models import AuditEvent
    from portico.practices.models import Practice


class EventType(models.TextChoices):
    """What an endpoint can subscribe to. Only events Portico really sends are listed."""

    CLIENT_CREATED = "client.created", pgettext_lazy("staff", "Client created")
    CLIENT_UPDATED = (
        "client.updated",
        pgettext_lazy("staff", "Client updated (details, emails, contacts, archive)"),
    )
    INVITE_SENT = "access.invite.sent", pgettext_lazy("staff", "Invitation sent or resent")
    REGISTRATION_COMPLETED = (
        "access.registration.completed",
        pgettext_lazy("staff", "Registration completed"),
    )
    ACCESS_ENABLED = "access.enabled", pgettext_lazy("staff", "Portal access turned on")
    ACCESS_DISABLED = "access.disabled", pgettext_lazy("staff", "Portal access turned off or ended")
    EMAIL_BOUNCED = "email.bounced", pgettext_lazy("staff", "Email bounced")


# Sent by "Send test event" only; no endpoint subscribes to it.
TEST_EVENT = "webhook.test"

ACTION_EVENTS: dict[str, EventType] = {
    Action.CLIENT_ADDED: EventType.CLIENT_CREATED,
    Action.CLIENT_DETAILS_CHANGED: EventType.CLIENT_UPDATED,
    Action.CLIENT_EMAIL_ADDED: EventType.CLIENT_UPDATED,
    Action.CLIENT_EMAIL_CHANGED: EventType.CLIENT_UPDATED,
    Action.CLIENT_EMAIL_REMOVED: EventType.CLIENT_UPDATED,
    Action.CLIENT_DEFAULT_EMAIL_CHANGED: EventType.CLIENT_UPDATED,
    Action.CLIENT_ARCHIVED: EventType.CLIENT_UPDATED,
    Action.CLIENT_UNARCHIVED: EventType.CLIENT_UPDATED,
    Action.CONTACT_ADDED: EventType.CLIENT_UPDATED,
    Action.CONTACT_CHANGED: EventType.CLIENT_UPDATED,
    Action.CONTACT_REMOVED: EventType.CLIENT_UPDATED,
    Action.INVITE_SENT: EventType.INVITE_SENT,
    Action.INVITE_RESENT: EventType.INVITE_SENT,
    Action.REGISTERED: EventType.REGISTRATION_COMPLETED,
    Action.ACCESS_ENABLED: EventType.ACCESS_ENABLED,
    Action.ACCESS_DISABLED: EventType.ACCESS_DISABLED,
    Action.CONTACT_ACCESS_ENDED: EventType.ACCESS_DISABLED,
    Action.MAIL_BOUNCED: EventType.EMAIL_BOUNCED,
}


def new_event_id() -> str:
    """The webhook-id of one event: the same on every retry and every endpoint."""
    return f"msg_{uuid.uuid4().hex}"


def queue_event_deliveries(action: str, practice: Practice, events: Sequence[AuditEvent]) -> None:
    """Write the deliveries of these audit events (one action, one practice), if any.

    Call inside the transaction that wrote the events.
    """
    event_type = ACTION_EVENTS.get(action)
    if event_type is None or not events:
        return
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(practice=practice, enabled=True)
        if event_type in endpoint.event_types
    ]
    if not endpoints:
        return
    from portico.webhooks.queue import ensure_delivery_task
    from portico.webhooks.states import fill_states_of

    payloads = build_payloads(event_type, practice, events)
    now = timezone.now()
    # Joins the change's transaction (no savepoint); makes one if a caller had none.
    with transaction.atomic(savepoint=False):
        deliveries = WebhookDelivery.objects.bulk_create(
            new_delivery(endpoint, payload, now) for payload in payloads for endpoint in endpoints
        )
        ensure_delivery_task()
        # The states are read once the whole change is done (see build_payloads); if
        # this process dies first, the worker reads them before the first attempt.
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(partial(fill_states_of, ids), robust=True)


def new_delivery(
    endpoint: WebhookEndpoint, payload: dict[str, Any], now: datetime
) -> WebhookDelivery:
    return WebhookDelivery(
        practice_id=endpoint.practice_id,
        endpoint=endpoint,
        event_id=payload["id"],
        event_type=payload["type"],
        payload=payload,
        status=DeliveryStatus.PENDING,
        states_filled=payload["type"] == TEST_EVENT,
        next_attempt_at=now,
        created_at=now,
        status_changed_at=now,
    )


# --- payloads ------------------------------------------------------------------------------


def _contact_public_id(event: AuditEvent) -> str | None:
    details = event.details or {}
    return str(details.get("contact") or details.get("as_contact") or "") or None


def build_payloads(
    event_type: EventType, practice: Practice, events: Sequence[AuditEvent]
) -> list[dict[str, Any]]:
    """One Standard Webhooks payload per event: {id, type, timestamp, data}, without a query.

    The states (``access_state``, ``email_state``) are filled in by
    ``portico.webhooks.states`` when the change commits: an event is recorded while
    its action is still running (a client is recorded as added before their
    access is given), so only then is the state the one the action left.
    """
    payloads = []
    for event in events:
        client = event.client
        data: dict[str, Any] = {
            "audit_event_id": event.pk,
            "practice": practice.slug,
            "client": str(client.public_id) if client is not None else None,
            "contact": _contact_public_id(event),
            "access_state": None,
            "email_state": None,
        }
        if event_type == EventType.CLIENT_UPDATED:
            data["change"] = event.action
        if event_type == EventType.INVITE_SENT:
            data["resent"] = event.action == Action.INVITE_RESENT
        payloads.append(
            {
                "id": new_event_id(),
                "type": str(event_type),
                "timestamp": iso(event.at),
                "data": data,
            }
        )
    return payloads


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
