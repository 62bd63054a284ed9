"""The two send budgets of a person: staff sends, and self-service "Forgot password?".

- Staff allowance: at most 5 invitation/reset emails sent by staff (the staff
  app, bulk invites, the API) per person in any 24 hours.
- Self-service budget: at most 3 "Forgot password?" emails per account in any
  hour and 10 in any 24 hours. It is separate so that an anonymous visitor who
  knows a client's username can never use up what staff rely on; exceeding it
  is silent (the visitor sees the usual answer, the audit log records it).

Per person: the client's own sends and each contact's sends (a parent, a
guardian) are counted separately, so a guardian's invitations never use up the
client's allowance, nor one parent's the other's.

Both are counted from the links themselves (an invite or reset email always
carries one; ``AccessLink.self_service`` says which budget it came from), so
nothing else has to be kept in step. The windows roll: a send made at T stops
counting at exactly T + 24 h (or T + 1 h for the hourly self-service limit).

Exact under concurrency: inside a transaction, each check first locks the
client's row (or the account's, for an account that is no one's "self"), so two
sends for one person are counted one after the other; the lock is held until
the transaction that issues the link commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink
from portico.access.wording import when_next
from portico.accounts.models import User
from portico.clients.models import Client, Contact

SEND_LIMIT = 5
SEND_WINDOW = timedelta(hours=24)
# "Forgot password?" requests per account: their own budget, never the staff one.
SELF_SERVICE_HOURLY_LIMIT = 3
SELF_SERVICE_HOUR = timedelta(hours=1)
SELF_SERVICE_DAILY_LIMIT = 10
SELF_SERVICE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class SendAllowance:
    allowed: bool
    sends_left: int
    # When the next send becomes possible (only when none is left now).
    next_available_at: datetime | None


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
        plural = "" if self.last_day == 1 else "s"
        text = (
            f"Self-service: {self.last_day} reset request{plural} in the last 24 hours "
            f"(limit {SELF_SERVICE_DAILY_LIMIT} a day, {SELF_SERVICE_HOURLY_LIMIT} an hour)"
        )
        if not self.allowed:
            text += "; further requests are not emailed for now. Staff sends are not affected"
        return text


def lock_client(client: Client) -> None:
    """Hold the client's row until the transaction ends (no-op on SQLite, which serializes)."""
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()


def lock_account(account: User) -> None:
    """The same for a portal account that is no one's "self" (a guardian's)."""
    User.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True).first()


def allowance_from_times(sent_at: list[datetime], at: datetime) -> SendAllowance:
    """The staff allowance given the staff send times of one person (any order, any age)."""
    recent = sorted(moment for moment in sent_at if moment > at - SEND_WINDOW)
    left = max(0, SEND_LIMIT - len(recent))
    if left:
        return SendAllowance(allowed=True, sends_left=left, next_available_at=None)
    # The window must lose enough sends to drop below the limit.
    frees_at = recent[len(recent) - SEND_LIMIT] + SEND_WINDOW
    return SendAllowance(allowed=False, sends_left=0, next_available_at=frees_at)


def budget_from_times(requested_at: list[datetime], at: datetime) -> SelfServiceBudget:
    """The self-service budget given the self-service send times of one person."""
    return SelfServiceBudget(
        last_hour=sum(1 for moment in requested_at if moment > at - SELF_SERVICE_HOUR),
        last_day=sum(1 for moment in requested_at if moment > at - SELF_SERVICE_WINDOW),
    )


def _own_links(client: Client) -> QuerySet[AccessLink]:
    """The client's own links (links to their contacts are counted per contact)."""
    return AccessLink.objects.filter(
        practice_id=client.practice_id,
        client=client,
        contact__isnull=True,
        purpose__in=CLIENT_PURPOSES,
    )


def _account_links(account: User) -> QuerySet[AccessLink]:
    """Links of an account that is no one's "self" (no client: a guardian's resets)."""
    return AccessLink.objects.filter(
        practice_id=account.practice_id,
        user=account,
        client__isnull=True,
        purpose__in=CLIENT_PURPOSES,
    )


def _times(links: QuerySet[AccessLink], *, self_service: bool, at: datetime) -> list[datetime]:
    window = SELF_SERVICE_WINDOW if self_service else SEND_WINDOW
    return list(
        links.filter(self_service=self_service, created_at__gt=at - window).values_list(
            "created_at", flat=True
        )
    )


def recent_send_times(client: Client, at: datetime) -> list[datetime]:
    """The client's own staff sends in the window."""
    return _times(_own_links(client), self_service=False, at=at)


def recent_contact_send_times(contact: Contact, at: datetime) -> list[datetime]:
    links = AccessLink.objects.filter(
        practice_id=contact.practice_id, contact=contact, purpose__in=CLIENT_PURPOSES
    )
    return _times(links, self_service=False, at=at)


def check_send_allowance(client: Client, at: datetime | None = None) -> SendAllowance:
    """May staff send one more invitation/reset email to this client now?

    Call it inside the transaction that will issue the link: it locks the client
    row first, so concurrent sends cannot both see the last free slot.
    """
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_client(client)
    return allowance_from_times(recent_send_times(client, at), at)


def check_account_send_allowance(account: User, at: datetime | None = None) -> SendAllowance:
    """The staff allowance of a portal account of its own (a guardian's, not tied to one client).

    Locks the account's row, so concurrent sends count one by one.
    """
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_account(account)
    return allowance_from_times(_times(_account_links(account), self_service=False, at=at), at)


def check_contact_send_allowance(contact: Contact, at: datetime | None = None) -> SendAllowance:
    """The same for one contact of a client; locks the client's row (the same lock as above)."""
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_client(contact.client)
    return allowance_from_times(recent_contact_send_times(contact, at), at)


def self_service_budget(client: Client, at: datetime | None = None) -> SelfServiceBudget:
    """The client's "Forgot password?" budget (a read: the staff panel)."""
    at = at or timezone.now()
    return budget_from_times(_times(_own_links(client), self_service=True, at=at), at)


def check_self_service_budget(client: Client, at: datetime | None = None) -> SelfServiceBudget:
    """May one more "Forgot password?" email go to the client now? Locks the client row,
    the same lock staff sends take, so concurrent requests count one by one."""
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_client(client)
    return self_service_budget(client, at)


def check_account_self_service_budget(
    account: User, at: datetime | None = None
) -> SelfServiceBudget:
    """The same for an account that is no one's "self" (a guardian's); locks the account row."""
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_account(account)
    return budget_from_times(_times(_account_links(account), self_service=True, at=at), at)


def refusal_message(
    client: Client, allowance: SendAllowance, at: datetime, *, name: str | None = None
) -> str:
    assert allowance.next_available_at is not None  # noqa: S101 (only for refusals)
    when = when_next(client.practice, allowance.next_available_at, at)
    return (
        f"{SEND_LIMIT} invitation or reset emails were already sent to "
        f"{name or client.greeting_name} "
        f"in the last 24 hours, the most allowed. You can send again at {when}."
    )
