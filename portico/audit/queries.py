"""Reads of the access history: a client's recent events, the practice-wide list, the export."""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from portico.audit.models import AuditEvent
from portico.audit.reads import HISTORY_EXPORTED, HISTORY_VIEWED, RECORD_VIEWED, VIEW_ACTIONS
from portico.lib.csv_safe import safe_row

if TYPE_CHECKING:
    from portico.clients.models import Client
    from portico.practices.models import Practice

PAGE_SIZE = 50

# The "Show" choices of the history filter: a prefix of the action code each.
ACTION_GROUPS = [
    ("", "All events"),
    ("access.", "Portal access and links"),
    ("signin.", "Sign-ins and locks"),
    ("client.", "Client details"),
    ("staff.", "Staff accounts"),
    ("practice.", "Practice settings"),
]


def _events() -> QuerySet[AuditEvent]:
    # The client's name and the subject's name appear in sentences and the export;
    # joined here so a page of events costs one query whatever its length.
    return AuditEvent.objects.select_related("client", "subject_user").order_by("-at", "-id")


def recent_events_for_client(
    client: Client, limit: int = 10, *, include_views: bool = False
) -> list[AuditEvent]:
    """The client's newest access events, newest first: one query.

    Record views are left out unless asked: they would push the access events off the list.
    """
    events = _events().filter(practice_id=client.practice_id, client=client)
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


# --- Sentences -----------------------------------------------------------------


def _d(event: AuditEvent, key: str, default: str = "") -> str:
    value = (event.details or {}).get(key, default)
    return str(value) if value not in (None, "") else default


def _to(event: AuditEvent) -> str:
    email = _d(event, "email") or _d(event, "to")
    return f" to {email}" if email else ""


def _who(event: AuditEvent) -> str:
    user = event.subject_user
    if user is not None:
        return user.full_name or user.email or user.username
    return _d(event, "email", "a staff member")


def _signin_failed(event: AuditEvent) -> str:
    reasons = {
        "wrong_password": "wrong password",
        "unknown_account": "no account with that email/username",
        "locked": "the account is locked",
        "disabled": "access is turned off",
        "temporary_password_expired": "the temporary password had expired",
    }
    reason = reasons.get(_d(event, "reason"), _d(event, "reason"))
    who = f" for {_who(event)}" if event.subject_user else ""
    return f"Sign-in failed{who}" + (f": {reason}" if reason else "")


def _settings_changed(event: AuditEvent) -> str:
    changes = (event.details or {}).get("changes") or {}
    names = ", ".join(str(name).replace("_", " ") for name in changes)
    return f"Practice settings changed: {names}" if names else "Practice settings saved"


READ_PAGES = {
    "client": "the client's page",
    "personal_information": "Personal information",
    "people": "the People tab",
}


def _history_filters(event: AuditEvent) -> str:
    """The filters a history view or export used, in words: " (sign-ins and locks, from …)"."""
    filters = (event.details or {}).get("filters") or {}
    parts = []
    if filters.get("action"):
        group = dict(ACTION_GROUPS).get(filters["action"], filters["action"])
        parts.append(str(group).lower())
    if filters.get("since"):
        parts.append(f"from {filters['since']}")
    if filters.get("until"):
        parts.append(f"to {filters['until']}")
    if filters.get("include_views"):
        parts.append("with record views")
    if event.client_id is not None and event.client is not None:
        parts.append(f"about {event.client.full_name}")
    return f" ({', '.join(parts)})" if parts else " (everything)"


def _role_changed(event: AuditEvent) -> str:
    from portico.practices.models import Role

    def label(value: str) -> str:
        return str(dict(Role.choices).get(value, value)).lower()

    return (
        f"{_who(event)}'s role changed from {label(_d(event, 'old'))} to {label(_d(event, 'new'))}"
    )


DESCRIPTIONS: dict[str, Callable[[AuditEvent], str]] = {
    "access.invite.sent": lambda e: f"Portal invitation sent{_to(e)}",
    "access.invite.resent": lambda e: f"Portal invitation resent{_to(e)}",
    "access.bulk_invite.started": lambda e: "Started inviting everyone not yet invited",
    "access.bulk_invite.finished": lambda e: (
        f"Finished inviting everyone not yet invited: {e.details.get('sent', 0)} sent"
    ),
    "access.link.viewed": lambda e: "Emailed link opened",
    "access.dob.failed": lambda e: "Wrong date of birth entered at registration",
    "access.link.revoked": lambda e: (
        "Emailed link cancelled" + (f": {_revoke_reason(e).lower()}" if _d(e, "reason") else "")
    ),
    "access.registered": lambda e: (
        "Portal account set up" + (f" (username {_d(e, 'username')})" if _d(e, "username") else "")
    ),
    "access.reset.sent": lambda e: f"Password reset sent{_to(e)}",
    "access.reset.resent": lambda e: f"Password reset resent{_to(e)}",
    "access.reset.requested": lambda e: (
        "“Forgot password?” used"
        + (f" ({_d(e, 'outcome').replace('_', ' ')})" if _d(e, "outcome") else "")
    ),
    "access.reset.completed": lambda e: "Password changed with a reset link",
    "access.send.refused_address": lambda e: (
        f"Link not sent{_to(e)}: that address is not on file for this person"
    ),
    "access.password.changed": lambda e: "Password changed while signed in",
    "access.username.requested": lambda e: (
        "“Forgot username?” used"
        + (f" ({_d(e, 'outcome').replace('_', ' ')})" if _d(e, "outcome") else "")
    ),
    "access.reset.done": lambda e: "Password changed with a reset link",
    "access.temporary_password.set": lambda e: "Temporary password set by staff",
    "access.enabled": lambda e: "Portal access turned on",
    "access.disabled": lambda e: "Portal access turned off",
    "access.unlocked": lambda e: "Sign-in lock lifted by staff",
    "signin.succeeded": lambda e: f"Signed in: {_who(e)}",
    "signin.failed": _signin_failed,
    "signin.locked": lambda e: f"Account locked after too many wrong passwords: {_who(e)}",
    "signin.rate_limited": lambda e: "Sign-in attempts paused: too many in a short time",
    "signout": lambda e: f"Signed out: {_who(e)}",
    "signin.signed_out": lambda e: f"Signed out: {_who(e)}",
    "client.added": lambda e: "Client added",
    RECORD_VIEWED: lambda e: f"Viewed {READ_PAGES.get(_d(e, 'page'), 'the client record')}",
    HISTORY_VIEWED: lambda e: f"Viewed the access history{_history_filters(e)}",
    HISTORY_EXPORTED: lambda e: f"Downloaded the access history as CSV{_history_filters(e)}",
    "client.details_changed": lambda e: "Personal information changed",
    "client.email_added": lambda e: f"Email address added{_colon_email(e)}",
    "client.email_changed": lambda e: (
        f"Email address changed from {_d(e, 'old_address')} to {_d(e, 'new_address')}"
        if _d(e, "old_address")
        else "Email address changed"
    ),
    "client.email_confirmed": lambda e: (
        f"Staff confirmed the address {_d(e, 'address')} is right after a bounce"
    ),
    "client.coming_of_age.reviewed": lambda e: "Coming-of-age review of portal access completed",
    "contact.added": lambda e: f"Contact added: {_contact(e)}",
    "contact.changed": lambda e: (
        f"Contact changed: {_contact(e)}"
        + (f" (email now {_d(e, 'new_email')})" if _d(e, "new_email") else "")
    ),
    "contact.removed": lambda e: f"Contact removed: {_contact(e)}",
    "contact.consent.recorded": lambda e: f"{_consent(e)} consent recorded for {_contact(e)}",
    "contact.consent.withdrawn": lambda e: f"{_consent(e)} consent withdrawn for {_contact(e)}",
    "access.contact.ended": lambda e: (
        f"Portal access ended for contact {_d(e, 'contact_name', 'a contact')}"
    ),
    "mail.template.changed": lambda e: f"Email template changed: {_kind(e)} ({_d(e, 'change')})",
    "mail.test.sent": lambda e: f"Test email sent: {_kind(e)}",
    "mail.delivered": lambda e: f"{_d(e, 'email', 'Email')} delivered to {_d(e, 'to')}",
    "mail.deferred": lambda e: f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} delayed",
    "mail.bounced": lambda e: (
        f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} bounced"
        + (f": {_d(e, 'reason')}" if _d(e, "reason") else "")
    ),
    "mail.complained": lambda e: f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} marked as spam",
    "mail.failed": lambda e: (
        f"{_d(e, 'email', 'Email')} to {_d(e, 'to')} could not be delivered"
        + (f": {_d(e, 'reason')}" if _d(e, "reason") else "")
    ),
    "client.email_removed": lambda e: f"Email address removed{_colon_email(e)}",
    "client.default_email_changed": lambda e: "Default email address changed",
    "client.archived": lambda e: "Client archived",
    "client.unarchived": lambda e: "Client restored from the archive",
    "practice.settings_changed": _settings_changed,
    "staff.added": lambda e: f"Staff member added: {_who(e)}",
    "staff.invited": lambda e: f"Staff invitation sent{_to(e)}",
    "staff.invite_resent": lambda e: f"Staff invitation resent{_to(e)}",
    "staff.invite_viewed": lambda e: f"Staff invitation opened by {_who(e)}",
    "staff.invite_accepted": lambda e: f"Staff invitation accepted: {_who(e)} set a password",
    "staff.role_changed": _role_changed,
    "staff.deactivated": lambda e: f"Staff account deactivated: {_who(e)}",
    "staff.reactivated": lambda e: f"Staff account reactivated: {_who(e)}",
}


def _revoke_reason(event: AuditEvent) -> str:
    from portico.access.models import RevokeReason

    reason = _d(event, "reason")
    return str(dict(RevokeReason.choices).get(reason, reason.replace("_", " ")))


def _contact(event: AuditEvent) -> str:
    return _d(event, "name", "") or _d(event, "contact_name", "a contact")


def _consent(event: AuditEvent) -> str:
    return {"telehealth": "Telehealth", "treatment": "Treatment"}.get(_d(event, "kind"), "A")


def _kind(event: AuditEvent) -> str:
    from portico.mail.models import EmailKind

    return str(dict(EmailKind.choices).get(_d(event, "kind"), _d(event, "kind")))


def _colon_email(event: AuditEvent) -> str:
    email = _d(event, "email") or _d(event, "address")
    return f": {email}" if email else ""


def describe_event(event: AuditEvent) -> str:
    """A plain sentence for staff; an unknown action code is shown as it is."""
    describe = DESCRIPTIONS.get(event.action)
    if describe is None:
        return event.action
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
    zone = zoneinfo.ZoneInfo(practice.timezone)
    return [HistoryItem(e, describe_event(e), e.at.astimezone(zone)) for e in events]


def history_for_client(
    client: Client, limit: int = 10, *, include_views: bool = False
) -> list[HistoryItem]:
    """What ``{% include "audit/_history.html" with history=... %}`` shows: one query."""
    events = recent_events_for_client(client, limit, include_views=include_views)
    return history_items(events, client.practice)
