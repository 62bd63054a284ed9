"""Filling the access and email states into payloads, once the change has committed.

The state is the person's portal status as staff see it (``derive_status``),
read for a whole batch at once: a constant number of queries per practice,
however many deliveries. It is filled right after the change's commit
(``fill_states_of``, from ``transaction.on_commit``), or by the worker before the
first attempt if that did not happen. Each row is filled once, by a conditional
update: whoever comes second keeps the first one's payload, so every retry sends
the same body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone

from portico.access.status import AccessStatus
from portico.access.status_reads import contact_statuses, portal_statuses
from portico.clients.models import Client, Contact
from portico.practices.models import Practice
from portico.webhooks.events import EventType
from portico.webhooks.models import WebhookDelivery


def fill_states_of(ids: Sequence[int]) -> None:
    fill_states(list(WebhookDelivery.objects.filter(pk__in=ids, states_filled=False)))


def fill_states(deliveries: Sequence[WebhookDelivery]) -> None:
    """Read the states of the people these deliveries are about, and keep them."""
    unfilled = [delivery for delivery in deliveries if not delivery.states_filled]
    if not unfilled:
        return
    by_practice: dict[int, list[WebhookDelivery]] = defaultdict(list)
    for delivery in unfilled:
        by_practice[delivery.practice_id].append(delivery)
    for practice_id, batch in by_practice.items():
        _fill(Practice.objects.get(pk=practice_id), batch)
    for delivery in unfilled:
        won = WebhookDelivery.objects.filter(pk=delivery.pk, states_filled=False).update(
            payload=delivery.payload, states_filled=True
        )
        if not won:  # filled meanwhile: send what was kept
            delivery.refresh_from_db(fields=["payload", "states_filled"])
        delivery.states_filled = True


def _fill(practice: Practice, deliveries: list[WebhookDelivery]) -> None:
    client_ids = {d.payload["data"].get("client") for d in deliveries} - {None}
    contact_ids = {d.payload["data"].get("contact") for d in deliveries} - {None}
    at = timezone.now()
    clients = list(Client.objects.filter(practice=practice, public_id__in=client_ids))
    contacts = list(
        Contact.objects.filter(client__practice=practice, public_id__in=contact_ids).select_related(
            "client"
        )
    )
    own = {
        str(status.client.public_id): status
        for status in portal_statuses(clients, at, practice=practice).values()
    }
    theirs = {
        str(status.contact.public_id): status
        for status in contact_statuses(contacts, at, practice=practice).values()
        if status.contact is not None
    }
    for delivery in deliveries:
        data = delivery.payload["data"]
        status: AccessStatus | None = (
            theirs.get(data["contact"]) if data.get("contact") else own.get(data.get("client"))
        )
        data["access_state"] = status.state if status else None
        email = status.email if status else None
        data["email_state"] = email.status if email else None
        if delivery.payload["type"] == EventType.EMAIL_BOUNCED:
            data["email_state"] = "bounced"
