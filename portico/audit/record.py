"""The one way audit events are written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from portico.audit.actor import Actor
from portico.audit.models import AuditEvent

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.clients.models import Client
    from portico.practices.models import Practice

# Details are shown to staff and exported; these never belong there.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"token", "raw_token", "password", "date_of_birth", "dob", "birth_date", "secret"}
)


def record(
    action: str,
    *,
    practice: Practice,
    actor: Actor,
    client: Client | None = None,
    subject_user: User | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    details = details or {}
    leaked = FORBIDDEN_DETAIL_KEYS & {key.lower() for key in details}
    if leaked:
        raise ValueError(f"Audit details must not hold secrets: {sorted(leaked)}")
    return AuditEvent.objects.create(
        practice=practice,
        at=timezone.now(),
        actor=actor.user,
        actor_label=actor.label[:200],
        ip=actor.ip,
        user_agent=actor.user_agent[:300],
        action=action,
        client=client,
        subject_user=subject_user,
        details=details,
    )
