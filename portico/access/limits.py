"""The resend limit: at most ``SEND_LIMIT`` invitation/reset emails per person in any 24 hours.

Per person: each portal access (the client themself, each contact) has its own
allowance, so a guardian's invitations never use up the client's, nor one
parent's the other's. A parent's account-level reset counts per account.

Counted from the links themselves (an invite or reset email always carries one),
so staff sends, API sends and self-service "Forgot password?" all count, and
nothing else has to be kept in step. The window rolls: a send made at T stops
counting at exactly T + 24 h.

Exact under concurrency: inside a transaction, ``check_send_allowance`` locks
the access row (or the account's), so two sends for one person are counted one
after the other; the lock is held until the transaction that issues the link
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, PortalAccess
from portico.accounts.models import User
from portico.lib.localtime import when_next
from portico.practices.models import Practice

SEND_LIMIT = 5
SEND_WINDOW = timedelta(hours=24)
# Wrong dates of birth one invitation survives; the next revokes it.
MAX_DOB_FAILURES = 5


@dataclass(frozen=True)
class SendAllowance:
    allowed: bool
    sends_left: int
    # When the next send becomes possible (only when none is left now).
    next_available_at: datetime | None

    @property
    def limit(self) -> int:
        return SEND_LIMIT


def allowance_from_times(sent_at: list[datetime], at: datetime) -> SendAllowance:
    """The allowance given the send times of one person (any order, any age)."""
    recent = sorted(moment for moment in sent_at if moment > at - SEND_WINDOW)
    left = max(0, SEND_LIMIT - len(recent))
    if left:
        return SendAllowance(allowed=True, sends_left=left, next_available_at=None)
    # The window must lose enough sends to drop below the limit.
    frees_at = recent[len(recent) - SEND_LIMIT] + SEND_WINDOW
    return SendAllowance(allowed=False, sends_left=0, next_available_at=frees_at)


def lock_access(access: PortalAccess) -> None:
    """Hold the access row until the transaction ends (no-op on SQLite, which serializes)."""
    if connection.in_atomic_block:
        PortalAccess.objects.select_for_update().filter(pk=access.pk).values_list("pk").first()


def person_links(subject: PortalAccess | User) -> QuerySet[AccessLink]:
    """Every link of the person behind ``subject``: all their access rows (a contact whose
    access ended and was given again is one person), or the account's own."""
    links = AccessLink.objects.filter(practice_id=subject.practice_id)
    if isinstance(subject, User):
        return links.filter(user=subject)
    if subject.contact_id is None:
        return links.filter(access__client_id=subject.client_id, access__contact__isnull=True)
    return links.filter(access__contact_id=subject.contact_id)


def check_send_allowance(subject: PortalAccess | User, at: datetime | None = None) -> SendAllowance:
    """May one more invitation/reset email go to this person now?

    Call it inside the transaction that will issue the link: it locks the
    subject's row first (one lock), then counts its recent sends (one query).
    """
    at = at or timezone.now()
    model = PortalAccess if isinstance(subject, PortalAccess) else User
    if connection.in_atomic_block:
        model.objects.select_for_update().filter(pk=subject.pk).values_list("pk").first()
    sent = (
        person_links(subject)
        .filter(purpose__in=CLIENT_PURPOSES, created_at__gt=at - SEND_WINDOW)
        .values_list("created_at", flat=True)
    )
    return allowance_from_times(list(sent), at)


def refusal_message(
    practice: Practice, name: str, next_available_at: datetime, at: datetime
) -> str:
    when = when_next(practice, next_available_at, at)
    return (
        f"{SEND_LIMIT} invitation or reset emails were already sent to {name} "
        f"in the last 24 hours, the most allowed. You can send again at {when}."
    )
