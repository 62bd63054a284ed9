"""Staff reads of client records, audited (HIPAA 164.312(b)) without flooding the history.

Every view that shows a client's record (their page, Personal information, the
People tab: these show the date of birth) or the access history calls
``record_read`` once, after its scoped lookup, so an outsider's 404 never writes
an event about the client.

One event per staff member, client, page (and, for the history, filters) per
``READ_WINDOW``; an export is a disclosure and is always recorded.

The window is checked against the audit table itself rather than a cache key:
the events are the record, so the window is measured from the event actually
written (exact to the microsecond, the same clock as the event times), nothing is
lost when a cache is flushed or evicts, and it rolls back with the transaction.
The cost is one small indexed query per page. Two opens of the same page by the
same person at the same instant may both write: the error is always one event
too many, never one missing.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.record import record

if TYPE_CHECKING:
    from portico.clients.models import Client
    from portico.practices.models import Practice

READ_WINDOW = timedelta(minutes=5)

RECORD_VIEWED = "client.record.viewed"
HISTORY_VIEWED = "audit.history.viewed"
HISTORY_EXPORTED = "audit.history.exported"
# Hidden from access-history lists unless asked: a busy day's page views would
# drown the invitations and sign-ins staff look there for. Exports stay visible.
VIEW_ACTIONS = (RECORD_VIEWED, HISTORY_VIEWED)


class ReadPage(StrEnum):
    CLIENT = "client"
    PERSONAL_INFORMATION = "personal_information"
    PEOPLE = "people"
    ACCESS_HISTORY = "access_history"
    ACCESS_HISTORY_EXPORT = "access_history_export"


_ACTIONS = {
    ReadPage.CLIENT: RECORD_VIEWED,
    ReadPage.PERSONAL_INFORMATION: RECORD_VIEWED,
    ReadPage.PEOPLE: RECORD_VIEWED,
    ReadPage.ACCESS_HISTORY: HISTORY_VIEWED,
    ReadPage.ACCESS_HISTORY_EXPORT: HISTORY_EXPORTED,
}


def record_read(
    actor: Actor,
    *,
    practice: Practice,
    page: ReadPage,
    client: Client | None = None,
    filters: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Record that ``actor`` saw ``page`` (of ``client``); None when already recorded recently.

    ``filters`` are the history filters applied (never dates of birth: the
    record() guard refuses them too).
    """
    action = _ACTIONS[page]
    details: dict[str, Any] = {"page": str(page)}
    if filters is not None:
        details["filters"] = filters
    if action != HISTORY_EXPORTED and _seen_recently(actor, practice, action, client, details):
        return None
    return record(action, practice=practice, actor=actor, client=client, details=details)


def _seen_recently(
    actor: Actor,
    practice: Practice,
    action: str,
    client: Client | None,
    details: dict[str, Any],
) -> bool:
    if actor.user is None:  # staff views always have a user; anything else is always kept
        return False
    recent = AuditEvent.objects.filter(
        practice=practice,
        actor=actor.user,
        action=action,
        client=client,
        at__gt=timezone.now() - READ_WINDOW,
    ).values_list("details", flat=True)
    # Compared here, not in SQL: JSON equality differs between SQLite and
    # PostgreSQL, and one person's events in five minutes are a handful.
    return any(seen == details for seen in recent[:50])
