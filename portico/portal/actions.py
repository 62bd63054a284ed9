"""Writes of the client portal: password help and password changes (sign-out is
``portico.accounts.actions.sign_out``, shared with staff).

Self-service requests ("Forgot password?", "Forgot username?") never tell the
visitor what happened; they tell the audit log. The request only counts and
enqueues (``request_*``); the task decides and sends (``answer_*``). Every outcome
is one of ``RequestOutcome``, recorded as ``details["outcome"]``; refused requests
are summed up per hour (``record_refusals``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portico.access.actions import AccessRefused, SelfServiceLimitReached, send_password_reset
from portico.access.links import CLIENT_PURPOSES, consume_link, revoke_live_links
from portico.access.models import AccessLink, RevokeReason
from portico.access.queries import access_is_on, client_of_account, default_address
from portico.accounts.lockout import identifier_key
from portico.accounts.models import User, UserKind
from portico.accounts.passwords import store_password
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.lib.ratelimit import Verdict, consume, count
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import queue_email
from portico.portal.queries import (
    greeting_name,
    portal_accounts_for_identifier,
    portal_accounts_with_email,
)
from portico.practices.models import Practice


class RequestOutcome(StrEnum):
    SENT = "sent"
    UNKNOWN_ACCOUNT = "unknown_account"
    DISABLED = "disabled"
    RATE_LIMITED = "rate_limited"  # no longer per request: see ``record_refusals``
    # The person's own "Forgot password?" budget is spent (3 an hour, 10 a day);
    # staff sends are counted apart and unaffected.
    SELF_SERVICE_LIMIT = "self_service_limit"
    NOT_SENT = "not_sent"  # e.g. no address on file; the reason is in the audit details


def _identifier_kind(identifier: str) -> str:
    return "email" if "@" in identifier else "username"


def _rate_key(practice: Practice, value: str) -> str:
    """The same key the sign-in back-off uses for what the visitor typed."""
    return identifier_key(practice, UserKind.PORTAL, value)


def _access_is_off(user: User, client: Client | None) -> bool:
    return not user.is_active or (client is not None and not access_is_on(client))


# --- forgot password / forgot username ---------------------------------------------------
#
# The request does the same work whatever the visitor typed: count it against the
# limits, enqueue one task, answer. Whether an account exists, and what to send, is
# decided by the task (``answer_*``), off the request path: neither the answer nor
# its timing can tell, and nothing sleeps. The identifier rides in the task's
# arguments (personal data, not a secret) until the task has run, which blanks it.


@transaction.atomic
def request_password_reset(practice: Practice, *, identifier: str, by: Actor) -> bool:
    """The request path of "Forgot password?"; False if over a limit (nothing enqueued)."""
    verdict = consume("forgot_password", ip=by.ip, key=_rate_key(practice, identifier))
    if not verdict.allowed:
        _count_refusal(Action.RESET_RATE_LIMITED, practice, identifier, verdict=verdict, by=by)
        return False
    from portico.portal.tasks import answer_forgot_password

    answer_forgot_password.enqueue(
        practice_id=practice.pk, identifier=identifier, **_actor_arguments(by)
    )
    return True


@transaction.atomic
def request_username_reminder(practice: Practice, *, email: str, by: Actor) -> bool:
    """The request path of "Forgot username?"; False if over a limit (nothing enqueued)."""
    verdict = consume("forgot_username", ip=by.ip, key=_rate_key(practice, email))
    if not verdict.allowed:
        _count_refusal(Action.USERNAME_RATE_LIMITED, practice, email, verdict=verdict, by=by)
        return False
    from portico.portal.tasks import answer_forgot_username

    answer_forgot_username.enqueue(practice_id=practice.pk, email=email, **_actor_arguments(by))
    return True


def _actor_arguments(by: Actor) -> dict[str, Any]:
    return {"ip": by.ip, "user_agent": by.user_agent, "label": by.label}


@transaction.atomic
def answer_password_reset_request(
    practice: Practice, *, identifier: str, by: Actor
) -> list[RequestOutcome]:
    """Email a reset link to each active portal account ``identifier`` names (the task's part).

    Sends nothing for unknown or disabled accounts, or over the person's
    self-service budget (``limits.SELF_SERVICE_*``, apart from the staff allowance);
    each outcome is audited.
    """
    kind = {"identifier_kind": _identifier_kind(identifier)}
    accounts = portal_accounts_for_identifier(practice, identifier)
    if not accounts:
        record(
            Action.RESET_REQUESTED,
            practice=practice,
            actor=by,
            details={**kind, "outcome": RequestOutcome.UNKNOWN_ACCOUNT.value},
        )
        return [RequestOutcome.UNKNOWN_ACCOUNT]
    return [_reset_one(account, by=by, details=kind) for account in accounts]


def _reset_one(account: User, *, by: Actor, details: dict[str, str]) -> RequestOutcome:
    # A guardian's account has no client of its own: send_password_reset sends to
    # the contact address on file for the children it acts for.
    client = client_of_account(account)
    outcome, reason = RequestOutcome.SENT, ""
    if _access_is_off(account, client):
        outcome = RequestOutcome.DISABLED
    else:
        try:
            # Its own budget: anonymous requests never use up what staff can send.
            send_password_reset(account, by=by, self_service=True)
        except SelfServiceLimitReached:
            outcome = RequestOutcome.SELF_SERVICE_LIMIT
        except AccessRefused as refusal:
            outcome, reason = RequestOutcome.NOT_SENT, refusal.message
    record(
        Action.RESET_REQUESTED,
        practice=account.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={**details, "outcome": outcome.value, **({"reason": reason} if reason else {})},
    )
    return outcome


@transaction.atomic
def answer_username_request(practice: Practice, *, email: str, by: Actor) -> list[RequestOutcome]:
    """Email the username of each active portal account with this address, to that address."""
    action = Action.USERNAME_REQUESTED
    accounts = portal_accounts_with_email(practice, email)
    if not accounts:
        record(action, practice=practice, actor=by, details={"outcome": "unknown_account"})
        return [RequestOutcome.UNKNOWN_ACCOUNT]
    outcomes = []
    for account in accounts:
        client = client_of_account(account)
        outcome = RequestOutcome.DISABLED if _access_is_off(account, client) else None
        if outcome is None:
            queue_email(
                practice=practice,
                kind=EmailKind.USERNAME_REMINDER,
                to=account.email,
                context={
                    **_contact(practice),
                    "greeting_name": greeting_name(account, client),
                    "username": account.username,
                    "link": practice_url(practice, "portal:sign_in"),
                },
                client=client,
            )
            outcome = RequestOutcome.SENT
        record(
            action,
            practice=practice,
            actor=by,
            client=client,
            subject_user=account,
            details={"outcome": outcome.value},
        )
        outcomes.append(outcome)
    return outcomes


# --- refused requests: one audit event per hour and source, with the count ---------------

REFUSAL_WINDOW = timedelta(hours=1)
_REFUSED_FOR = {"ip": "the same IP address", "key": "the same username or email typed"}


def _count_refusal(
    action: Action, practice: Practice, identifier: str, *, verdict: Verdict, by: Actor
) -> None:
    """Count a refused request; the first of its window enqueues the window's summary.

    Keyed by what refused it: the IP address when that is over its limit, else the
    identifier typed (hashed). Either way one source adds at most one audit event an
    hour, however fast it asks, so anonymous traffic cannot grow the audit log.
    """
    scope = "ip" if "ip" in verdict.exceeded and by.ip else "key"
    source = by.ip if scope == "ip" else _rate_key(practice, identifier)
    seconds = int(REFUSAL_WINDOW.total_seconds())
    now = int(timezone.now().timestamp())
    window = now - now % seconds
    digest = hashlib.sha256(f"{action}|{practice.pk}|{scope}|{source}".encode()).hexdigest()
    cache_key = f"refused:{window}:{digest[:32]}"
    # Lives past the window's end, when the summary task reads it.
    if count(cache_key, timeout=window + 2 * seconds - now) > 1:
        return
    from portico.portal.tasks import summarize_refusals

    window_end = datetime.fromtimestamp(window + seconds, tz=UTC)
    summarize_refusals.using(run_after=window_end).enqueue(
        practice_id=practice.pk,
        action=str(action),
        scope=scope,
        cache_key=cache_key,
        window_start=window,
        **_actor_arguments(by),
    )


@transaction.atomic
def record_refusals(
    practice: Practice,
    *,
    action: Action,
    scope: str,
    refused: int | None,
    window_start: datetime,
    by: Actor,
) -> None:
    """The one audit event of a window's refused requests (``refused`` None: count lost)."""
    record(
        action,
        practice=practice,
        actor=by,
        details={
            "refused": refused,
            "over_limit_for": _REFUSED_FOR[scope],
            "window_start": window_start.isoformat(),
            "window_minutes": int(REFUSAL_WINDOW.total_seconds()) // 60,
        },
    )


# --- setting a new password ---------------------------------------------------------------


def reset_account_for(link: AccessLink) -> User | None:
    """The portal account a reset link is for."""
    if link.user is not None:
        return link.user
    return link.access.user if link.access is not None else None


@transaction.atomic
def reset_password(link: AccessLink, *, account: User, password: str, by: Actor) -> bool:
    """Spend the reset link and set the new password. False if the link died first.

    Every session of the account ends (including the visitor's own), the account's
    other emailed links die, and a "your password was changed" email is queued.
    """
    at = timezone.now()
    if not consume_link(link, at):
        return False
    client = client_of_account(account)
    revoked = _set_password(account, password=password, client=client, at=at)
    _queue_password_changed(account, client)
    record(
        Action.RESET_COMPLETED,
        practice=account.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"link_id": link.pk, "links_revoked": revoked},
    )
    return True


@transaction.atomic
def change_password(account: User, *, password: str, by: Actor) -> None:
    """A signed-in user's new password; every other session of theirs ends.

    The caller keeps the current session valid (``update_session_auth_hash``).
    """
    at = timezone.now()
    forced = account.must_change_password
    client = client_of_account(account)
    revoked = _set_password(account, password=password, client=client, at=at)
    _queue_password_changed(account, client)
    record(
        Action.PASSWORD_CHANGED,
        practice=account.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"after_temporary_password": forced, "links_revoked": revoked},
    )


def _set_password(account: User, *, password: str, client: Client | None, at: datetime) -> int:
    """Set the password, end every session, clear locks and temporary state; revoke links."""
    store_password(account, password=password, temporary_until=None)
    links = AccessLink.objects.filter(
        Q(user=account) | Q(access__user=account),
        practice=account.practice,
        purpose__in=CLIENT_PURPOSES,
    )
    return revoke_live_links(links, reason=RevokeReason.PASSWORD_CHANGED, at=at)


def _queue_password_changed(account: User, client: Client | None) -> None:
    to = account.email or (default_address(client) if client else None)
    if not to:
        return
    practice = account.practice
    queue_email(
        practice=practice,
        kind=EmailKind.PASSWORD_CHANGED,
        to=to,
        context={
            **_contact(practice),
            "greeting_name": greeting_name(account, client),
            "link": practice_url(practice, "portal:sign_in"),
        },
        client=client,
    )


def _contact(practice: Practice) -> dict[str, str]:
    return {
        "practice_name": practice.name,
        "practice_phone": practice.phone,
        "practice_email": practice.email,
    }
