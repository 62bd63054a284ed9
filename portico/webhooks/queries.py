"""Reads for the webhook pages: one scoped lookup, the delivery log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import pgettext, pgettext_lazy

from portico.lib.localtime import short_day_and_time
from portico.practices.models import Practice
from portico.webhooks.events import TEST_EVENT, EventType
from portico.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

LOG_SIZE = 50
BADGES = {
    DeliveryStatus.PENDING: "badge-info",
    DeliveryStatus.SENDING: "badge-info",
    DeliveryStatus.RETRYING: "badge-warn",
    DeliveryStatus.DELIVERED: "badge-ok",
    DeliveryStatus.FAILED: "badge-bad",
}
EVENT_LABELS = dict(EventType.choices) | {TEST_EVENT: pgettext_lazy("staff", "Test event")}


def get_endpoint_for_staff(practice: Practice, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The practice's endpoint, or 404 (another practice's looks like one that never existed).

    Who may manage endpoints is checked by the view's ``staff_required(MANAGE_SETTINGS)``.
    """
    endpoint = (
        WebhookEndpoint.objects.filter(practice=practice, public_id=endpoint_id)
        .select_related("practice")
        .first()
    )
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def endpoints_of(practice: Practice) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(practice=practice).order_by("created_at", "pk")


@dataclass(frozen=True)
class LogRow:
    at: str
    event: str
    event_type: str
    event_id: str
    status: str
    badge: str
    outcome: str  # "HTTP 200", "HTTP 500 Internal Server Error", "Connection refused: …"
    attempts: int
    next_retry: str


def delivery_log(endpoint: WebhookEndpoint, now: datetime) -> list[LogRow]:
    """The endpoint's latest deliveries, newest first, as staff read them (one query)."""
    practice = endpoint.practice
    rows = []
    for delivery in WebhookDelivery.objects.filter(endpoint=endpoint).order_by(
        "-created_at", "-pk"
    )[:LOG_SIZE]:
        if delivery.last_error:
            outcome = delivery.last_error
        elif delivery.last_status_code is not None:
            outcome = f"HTTP {delivery.last_status_code}"
        else:
            outcome = pgettext("staff", "Not sent yet")
        rows.append(
            LogRow(
                at=short_day_and_time(practice, delivery.created_at),
                event=str(EVENT_LABELS.get(delivery.event_type, delivery.event_type)),
                event_type=delivery.event_type,
                event_id=delivery.event_id,
                status=str(DeliveryStatus(delivery.status).label),
                badge=BADGES[DeliveryStatus(delivery.status)],
                outcome=outcome,
                attempts=delivery.attempts,
                next_retry=(
                    short_day_and_time(practice, delivery.next_attempt_at)
                    if delivery.next_attempt_at and delivery.status == DeliveryStatus.RETRYING
                    else ""
                ),
            )
        )
    return rows
