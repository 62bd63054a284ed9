"""The one way audit events are written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from django.utils import timezone

from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.webhooks.events import queue_event_deliveries

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.clients.models import Client
    from portico.practices.models import Practice

# Details are shown to staff and exported; these never belong there.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"token", "raw_token", "password", "date_of_birth", "dob", "birth_date", "secret"}
)


class Entry(NamedTuple):
    """One event of a ``record_many`` batch: who it is about and its details."""

    client: Client | None
    details: dict[str, Any]
    subject_user: User | None = None


def record(
    action: str,
    *,
    practice: Practice,
    actor: Actor,
    client: Client | None = None,
    subject_user: User | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _event(action, practice, actor, Entry(client, details or {}, subject_user))
    event.save(force_insert=True)
    # Webhook events are written with the audit event, in its transaction; an action
    # that is no webhook event (a sign-in, a page view) costs a dict lookup, no query.
    queue_event_deliveries(action, practice, [event])
    return event


def record_many(
    action: str, *, practice: Practice, actor: Actor, entries: Iterable[Entry]
) -> list[AuditEvent]:
    """``record`` for many events of one action by one actor, in one INSERT."""
    events = AuditEvent.objects.bulk_create(
        _event(action, practice, actor, entry) for entry in entries
    )
    queue_event_deliveries(action, practice, events)
    return events


def _event(action: str, practice: Practice, actor: Actor, entry: Entry) -> AuditEvent:
    leaked = FORBIDDEN_DETAIL_KEYS & {key.lower() for key in entry.details}
    if leaked:
        raise ValueError(f"Audit details must not hold secrets: {sorted(leaked)}")
    return AuditEvent(
        practice=practice,
        at=timezone.now(),
        actor=actor.user,
        actor_label=actor.label[:200],
        ip=actor.ip,
        user_agent=actor.user_agent[:300],
        action=action,
        client=entry.client,
        subject_user=entry.subject_user,
        details=entry.details,
    )
