"""Reads of the access history: a client's recent events, the practice-wide list, the export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from portico.audit.models import AuditEvent
from portico.audit.reads import VIEW_ACTIONS
from portico.audit.vocabulary import DESCRIPTIONS, Action
from portico.lib.csv_safe import safe_row
from portico.lib.localtime import local

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portico.accounts.models import User
    from portico.clients.models import Client
    from portico.practices.models import Practice

PAGE_SIZE = 50

# The "Show" choices of the history filter: a prefix of the action code each.
ACTION_GROUPS: list[tuple[str, StrOrPromise]] = [
    ("", pgettext_lazy("staff", "All events")),
    ("access.", pgettext_lazy("staff", "Portal access and links")),
    ("signin.", pgettext_lazy("staff", "Sign-ins and locks")),
    ("client.", pgettext_lazy("staff", "Client details")),
    ("staff.", pgettext_lazy("staff", "Staff accounts")),
    ("practice.", pgettext_lazy("staff", "Practice settings")),
]


def _events() -> QuerySet[AuditEvent]:
    # The client's name and the subject's name appear in sentences and the export;
    # joined here so a page of events costs one query whatever its length.
    return AuditEvent.objects.select_related("client", "subject_user").order_by("-at", "-id")


# What the portal-access panel calls "access events": links, sign-ins, email delivery.
ACCESS_PREFIXES = ("access.", "signin.", "mail.")


def recent_events_for_client(
    client: Client,
    limit: int = 10,
    *,
    account: User | None = None,
    access_only: bool = False,
    include_views: bool = False,
) -> list[AuditEvent]:
    """The client's newest events, newest first: one query.

    ``account`` adds the events about the client's portal account that name no client
    (its sign-ins); ``access_only`` keeps the access events. Record views are left out
    unless asked: they would push the access events off the list.
    """
    about = Q(client=client)
    if account is not None:
        about |= Q(subject_user=account)
    events = _events().filter(about, practice_id=client.practice_id)
    if access_only:
        prefixes = Q()
        for prefix in ACCESS_PREFIXES:
            prefixes |= Q(action__startswith=prefix)
        events = events.filter(prefixes)
    if not include_views:
        events = events.exclude(action__in=VIEW_ACTIONS)
    return list(events[:limit])


@dataclass(frozen=True)
class EventFilter:
    action_prefix: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    include_views: bool = False  # staff opening records and the history (see audit/reads.py)
    client_id: int | None = None


def events_for_practice(practice: Practice, filters: EventFilter) -> QuerySet[AuditEvent]:
    events = _events().filter(practice=practice)
    if not filters.include_views:
        events = events.exclude(action__in=VIEW_ACTIONS)
    if filters.client_id is not None:
        events = events.filter(client_id=filters.client_id)
    if filters.action_prefix:
        events = events.filter(action__startswith=filters.action_prefix)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    return events


@dataclass(frozen=True)
class Page:
    events: list[AuditEvent]
    next_cursor: str  # "" on the last page


def page_of_events(
    practice: Practice, filters: EventFilter, *, cursor: str = "", size: int = PAGE_SIZE
) -> Page:
    """One page, newest first, keyset-paginated on (at, id) so deep pages stay fast."""
    events = events_for_practice(practice, filters)
    position = parse_cursor(cursor)
    if position is not None:
        at, pk = position
        events = events.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(events[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = f"{last.at.isoformat()}_{last.pk}"
    return Page(rows, next_cursor)


def parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        stamp, pk = cursor.rsplit("_", 1)
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            return None
        return at, int(pk)
    except ValueError:
        return None


def describe_event(event: AuditEvent) -> str:
    """A plain sentence for staff; an unknown action code is shown as it is."""
    if event.action not in Action:
        return event.action
    describe = DESCRIPTIONS[Action(event.action)]
    try:
        return describe(event)
    except (KeyError, TypeError, ValueError, AttributeError):
        return event.action


# --- Export ----------------------------------------------------------------------

CSV_COLUMNS = ("time", "actor", "ip", "action", "client_public_id", "client_name", "details")


def export_rows(practice: Practice, filters: EventFilter) -> Iterator[list[Any]]:
    """Rows for the CSV export: UTC ISO times, details as JSON, streamed in chunks."""
    yield list(CSV_COLUMNS)
    for event in events_for_practice(practice, filters).iterator(chunk_size=1000):
        client = event.client
        # Names are typed by staff (the actor's and the client's): a spreadsheet must
        # show them, never run them. Our own cells (times, codes, ids, JSON) pass
        # through unchanged, as none of them can start with a formula character.
        yield safe_row(
            [
                event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                event.actor_label,
                event.ip or "",
                event.action,
                str(client.public_id) if client else "",
                client.full_name if client else "",
                json.dumps(event.details or {}, sort_keys=True, default=str),
            ]
        )


# --- The client page's history partial (audit/_history.html) ----------------------


@dataclass(frozen=True)
class HistoryItem:
    event: AuditEvent
    sentence: str
    local_at: datetime  # in the practice's time zone


def history_items(events: list[AuditEvent], practice: Practice) -> list[HistoryItem]:
    return [HistoryItem(e, describe_event(e), local(practice, e.at)) for e in events]


def history_for_client(
    client: Client,
    limit: int = 10,
    *,
    account: User | None = None,
    access_only: bool = False,
    include_views: bool = False,
) -> list[HistoryItem]:
    """The one reader of a client's history on staff pages (the Access history list and
    the portal-access panel's recent events): one query."""
    events = recent_events_for_client(
        client, limit, account=account, access_only=access_only, include_views=include_views
    )
    return history_items(events, client.practice)
