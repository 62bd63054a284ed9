"""Managing a practice's webhook endpoints: every write, audited.

The API and the staff pages call these; the rule for an acceptable address
lives in ``check_endpoint_url`` and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.webhooks.addresses import check_endpoint_url
from portico.webhooks.events import TEST_EVENT, EventType, new_delivery, new_event_id
from portico.webhooks.models import WebhookDelivery, WebhookEndpoint
from portico.webhooks.queue import ensure_delivery_task
from portico.webhooks.signing import new_secret

if TYPE_CHECKING:
    from portico.practices.models import Practice


def _types(event_types: Iterable[str]) -> list[str]:
    chosen = [str(EventType(value)) for value in event_types]
    if not chosen:
        raise ValidationError(pgettext("staff", "Choose at least one event to send."))
    return sorted(set(chosen))


def _details(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {"endpoint": str(endpoint.public_id), "url": endpoint.url}


@transaction.atomic
def create_endpoint(
    practice: Practice,
    *,
    url: str,
    description: str,
    event_types: Iterable[str],
    enabled: bool = True,
    by: Actor,
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (show ``endpoint.secret`` once, then never)."""
    endpoint = WebhookEndpoint.objects.create(
        practice=practice,
        url=check_endpoint_url(url),
        description=description.strip(),
        event_types=_types(event_types),
        enabled=enabled,
        secret=new_secret(),
        created_at=timezone.now(),
        created_by=by.user,
    )
    record(
        Action.WEBHOOK_ADDED,
        practice=practice,
        actor=by,
        details=_details(endpoint) | {"events": endpoint.event_types},
    )
    return endpoint


@transaction.atomic
def update_endpoint(
    endpoint: WebhookEndpoint,
    *,
    url: str,
    description: str,
    event_types: Iterable[str],
    enabled: bool,
    by: Actor,
) -> WebhookEndpoint:
    """Change the address, description, events or the on/off switch (the secret stays)."""
    before = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.event_types,
        "enabled": endpoint.enabled,
    }
    endpoint.url = check_endpoint_url(url)
    endpoint.description = description.strip()
    endpoint.event_types = _types(event_types)
    endpoint.enabled = enabled
    endpoint.save(update_fields=["url", "description", "event_types", "enabled"])
    after = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.event_types,
        "enabled": endpoint.enabled,
    }
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        action = Action.WEBHOOK_CHANGED
        if changed == ["enabled"]:
            action = Action.WEBHOOK_ENABLED if enabled else Action.WEBHOOK_DISABLED
        record(
            action,
            practice=endpoint.practice,
            actor=by,
            details=_details(endpoint) | {"changes": changed, "enabled": enabled},
        )
    return endpoint


@transaction.atomic
def set_endpoint_enabled(endpoint: WebhookEndpoint, *, enabled: bool, by: Actor) -> None:
    """Turn sending on or off. Deliveries waiting while it is off are failed, not kept."""
    if endpoint.enabled == enabled:
        return
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=enabled)
    endpoint.enabled = enabled
    record(
        Action.WEBHOOK_ENABLED if enabled else Action.WEBHOOK_DISABLED,
        practice=endpoint.practice,
        actor=by,
        details=_details(endpoint),
    )


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, by: Actor) -> str:
    """A new secret (returned, to show once); deliveries from now on are signed with it."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    record(
        Action.WEBHOOK_SECRET_ROTATED,
        practice=endpoint.practice,
        actor=by,
        details=_details(endpoint),
    )
    return endpoint.secret


@transaction.atomic
def delete_endpoint(endpoint: WebhookEndpoint, *, by: Actor) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    details = _details(endpoint)
    practice = endpoint.practice
    endpoint.delete()
    record(Action.WEBHOOK_DELETED, practice=practice, actor=by, details=details)


@transaction.atomic
def send_test_event(endpoint: WebhookEndpoint, *, by: Actor) -> WebhookDelivery:
    """Queue a ``webhook.test`` event for this endpoint only, whatever it subscribes to."""
    now = timezone.now()
    payload = {
        "id": new_event_id(),
        "type": TEST_EVENT,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": {"practice": endpoint.practice.slug, "endpoint": str(endpoint.public_id)},
    }
    delivery = new_delivery(endpoint, payload, now)
    delivery.save(force_insert=True)
    ensure_delivery_task()
    record(
        Action.WEBHOOK_TEST_SENT,
        practice=endpoint.practice,
        actor=by,
        details=_details(endpoint) | {"event_id": payload["id"]},
    )
    return delivery
