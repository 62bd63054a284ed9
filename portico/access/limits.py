"""The two send budgets of a person: staff sends, and self-service "Forgot password?".

- Staff allowance: at most ``SEND_LIMIT`` invitation/reset emails sent by staff
  (the staff app, bulk invites, the API) per person in any 24 hours.
- Self-service budget: at most 3 "Forgot password?" emails per person in any
  hour and 10 in any 24 hours. It is separate so that an anonymous visitor who
  knows a client's username can never use up what staff rely on; exceeding it
  is silent (the visitor sees the usual answer, the audit log records it).

Per person: each portal access (the client themself, each contact) has its own
budgets, so a guardian's invitations never use up the client's, nor one
parent's the other's. A parent's account-level reset counts per account.

Both are counted from the links themselves (an invite or reset email always
carries one; ``AccessLink.self_service`` says which budget it came from), so
nothing else has to be kept in step. The windows roll: a send made at T stops
counting at exactly T + 24 h (or T + 1 h for the hourly self-service limit).

Exact under concurrency: inside a transaction, each check locks the subject's
row (the access row, or the account's), then counts with one query; the lock is
held until the transaction that issues the link commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import npgettext, pgettext

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, PortalAccess
from portico.accounts.models import User
from portico.lib.localtime import when_next
from portico.practices.models import Practice

SEND_LIMIT = 5
SEND_WINDOW = timedelta(hours=24)
# "Forgot password?" requests per person: their own budget, never the staff one.
SELF_SERVICE_HOURLY_LIMIT = 3
SELF_SERVICE_HOUR = timedelta(hours=1)
SELF_SERVICE_DAILY_LIMIT = 10
SELF_SERVICE_WINDOW = timedelta(hours=24)
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


@dataclass(frozen=True)
class SelfServiceBudget:
    """How many "Forgot password?" emails went to one person recently."""

    last_hour: int
    last_day: int

    @property
    def allowed(self) -> bool:
        return (
            self.last_hour < SELF_SERVICE_HOURLY_LIMIT and self.last_day < SELF_SERVICE_DAILY_LIMIT
        )

    @property
    def left_today(self) -> int:
        return max(0, SELF_SERVICE_DAILY_LIMIT - self.last_day)

    @property
    def text(self) -> str:
        """For staff: "Self-service: 2 reset requests in the last 24 hours (limit ...)"."""
        text = npgettext(
            "staff",
            "Self-service: %(count)d reset request in the last 24 hours "
            "(limit %(daily)d a day, %(hourly)d an hour)",
            "Self-service: %(count)d reset requests in the last 24 hours "
            "(limit %(daily)d a day, %(hourly)d an hour)",
            self.last_day,
        ) % {
            "count": self.last_day,
            "daily": SELF_SERVICE_DAILY_LIMIT,
            "hourly": SELF_SERVICE_HOURLY_LIMIT,
        }
        if not self.allowed:
            text += "; " + pgettext(
                "staff", "further requests are not emailed for now. Staff sends are not affected"
            )
        return text


def budget_from_times(requested_at: list[datetime], at: datetime) -> SelfServiceBudget:
    """The self-service budget given the self-service send times of one person."""
    return SelfServiceBudget(
        last_hour=sum(1 for moment in requested_at if moment > at - SELF_SERVICE_HOUR),
        last_day=sum(1 for moment in requested_at if moment > at - SELF_SERVICE_WINDOW),
    )


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


def _lock(subject: PortalAccess | User) -> None:
    """Hold the subject's row until the transaction ends (no-op on SQLite, which serializes)."""
    model = PortalAccess if isinstance(subject, PortalAccess) else User
    if connection.in_atomic_block:
        model.objects.select_for_update().filter(pk=subject.pk).values_list("pk").first()


def _send_times(
    subject: PortalAccess | User, *, self_service: bool, at: datetime
) -> list[datetime]:
    window = SELF_SERVICE_WINDOW if self_service else SEND_WINDOW
    sent = person_links(subject).filter(
        purpose__in=CLIENT_PURPOSES, self_service=self_service, created_at__gt=at - window
    )
    return list(sent.values_list("created_at", flat=True))


def check_send_allowance(subject: PortalAccess | User, at: datetime | None = None) -> SendAllowance:
    """May staff send one more invitation/reset email to this person now?

    Call it inside the transaction that will issue the link: it locks the
    subject's row first (one lock), then counts its recent staff sends (one query).
    """
    at = at or timezone.now()
    _lock(subject)
    return allowance_from_times(_send_times(subject, self_service=False, at=at), at)


def check_self_service_budget(
    subject: PortalAccess | User, at: datetime | None = None
) -> SelfServiceBudget:
    """May one more "Forgot password?" email go to this person now? The same lock as
    staff sends, so concurrent requests count one by one; only self-service sends count."""
    at = at or timezone.now()
    _lock(subject)
    return budget_from_times(_send_times(subject, self_service=True, at=at), at)


def refusal_message(
    practice: Practice, name: str, next_available_at: datetime, at: datetime
) -> str:
    when = when_next(practice, next_available_at, at)
    return pgettext(
        "staff",
        "%(limit)d invitation or reset emails were already sent to %(name)s in the last 24 "
        "hours, the most allowed. You can send again at %(when)s.",
    ) % {"limit": SEND_LIMIT, "name": name, "when": when}


def self_service_budget(
    subject: PortalAccess | User, at: datetime | None = None
) -> SelfServiceBudget:
    """The person's "Forgot password?" budget, read without a lock (the staff panel)."""
    at = at or timezone.now()
    return budget_from_times(_send_times(subject, self_service=True, at=at), at)
