"""The resend limit: at most 5 invitation/reset emails per person in any 24 hours.

Per person: the client's own sends and each contact's sends (a parent, a
guardian) are counted separately, so a guardian's invitations never use up the
client's allowance, nor one parent's the other's.

Counted from the links themselves (an invite or reset email always carries one),
so staff sends, API sends and self-service "Forgot password?" all count, and
nothing else has to be kept in step. The window rolls: a send made at T stops
counting at exactly T + 24 h.

Exact under concurrency: inside a transaction, ``check_send_allowance`` first
locks the client's row, so two sends for one client are counted one after the
other; the lock is held until the transaction that issues the link commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink
from portico.access.wording import when_next
from portico.accounts.models import User
from portico.clients.models import Client, Contact

SEND_LIMIT = 5
SEND_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class SendAllowance:
    allowed: bool
    sends_left: int
    # When the next send becomes possible (only when none is left now).
    next_available_at: datetime | None


def lock_client(client: Client) -> None:
    """Hold the client's row until the transaction ends (no-op on SQLite, which serializes)."""
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()


def allowance_from_times(sent_at: list[datetime], at: datetime) -> SendAllowance:
    """The allowance given the send times of one client (any order, any age)."""
    recent = sorted(moment for moment in sent_at if moment > at - SEND_WINDOW)
    left = max(0, SEND_LIMIT - len(recent))
    if left:
        return SendAllowance(allowed=True, sends_left=left, next_available_at=None)
    # The window must lose enough sends to drop below the limit.
    frees_at = recent[len(recent) - SEND_LIMIT] + SEND_WINDOW
    return SendAllowance(allowed=False, sends_left=0, next_available_at=frees_at)


def recent_send_times(client: Client, at: datetime) -> list[datetime]:
    """The client's own sends (links to their contacts are counted per contact)."""
    return list(
        AccessLink.objects.filter(
            practice_id=client.practice_id,
            client=client,
            contact__isnull=True,
            purpose__in=CLIENT_PURPOSES,
            created_at__gt=at - SEND_WINDOW,
        ).values_list("created_at", flat=True)
    )


def recent_contact_send_times(contact: Contact, at: datetime) -> list[datetime]:
    return list(
        AccessLink.objects.filter(
            practice_id=contact.practice_id,
            contact=contact,
            purpose__in=CLIENT_PURPOSES,
            created_at__gt=at - SEND_WINDOW,
        ).values_list("created_at", flat=True)
    )


def check_send_allowance(client: Client, at: datetime | None = None) -> SendAllowance:
    """May one more invitation/reset email go to this client now?

    Call it inside the transaction that will issue the link: it locks the client
    row first, so concurrent sends cannot both see the last free slot.
    """
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_client(client)
    return allowance_from_times(recent_send_times(client, at), at)


def check_account_send_allowance(account: User, at: datetime | None = None) -> SendAllowance:
    """The same for a portal account of its own (a guardian's reset, not tied to one client).

    Locks the account's row, so concurrent "Forgot password?" requests count one by one.
    """
    at = at or timezone.now()
    if connection.in_atomic_block:
        User.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True).first()
    sent = AccessLink.objects.filter(
        practice_id=account.practice_id,
        user=account,
        client__isnull=True,
        purpose__in=CLIENT_PURPOSES,
        created_at__gt=at - SEND_WINDOW,
    ).values_list("created_at", flat=True)
    return allowance_from_times(list(sent), at)


def check_contact_send_allowance(contact: Contact, at: datetime | None = None) -> SendAllowance:
    """The same for one contact of a client; locks the client's row (the same lock as above)."""
    at = at or timezone.now()
    if connection.in_atomic_block:
        lock_client(contact.client)
    return allowance_from_times(recent_contact_send_times(contact, at), at)


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
