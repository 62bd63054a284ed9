"""Sign-in throttling: slow the guesser down without locking the owner out.

The back-off is kept per identifier typed (username or email, per practice and
kind), whether or not an account has it, so a refusal looks and costs the same for
unknown and existing accounts. Five wrong passwords in a row are free; then
attempts from browsers that never signed in to the account are refused for 1
minute, and each further wrong password (once the wait is over) doubles the wait,
up to 15 minutes (``lib.ratelimit.BACKOFFS["sign_in"]``). A browser holding a
device cookie for the account is not held back (``accounts.devices``).

``User.locked_until`` mirrors the back-off for the staff screens: "browsers that
never signed in to this account are refused until then". ``failed_sign_ins`` is
the count of wrong passwords in a row on the identifier last used. Staff "Unlock",
a new password and a successful sign-in from such a browser start both of the
account's identifiers (username and email) again from nothing; otherwise a
refusal ends by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.ratelimit import BACKOFFS, Hold, backoff_failure, backoff_forget, backoff_hold
from portico.practices.models import Practice

if TYPE_CHECKING:
    from portico.clients.models import Client

SIGN_IN_BACKOFF = "sign_in"
MAX_FAILED_SIGN_INS = BACKOFFS[SIGN_IN_BACKOFF].free
FIRST_WAIT = timedelta(seconds=BACKOFFS[SIGN_IN_BACKOFF].first)
LONGEST_WAIT = timedelta(seconds=BACKOFFS[SIGN_IN_BACKOFF].longest)


def identifier_key(practice: Practice | int, kind: str, identifier: str) -> str:
    """The back-off key of a typed identifier (hashed by lib.ratelimit before storage)."""
    practice_id = practice.pk if isinstance(practice, Practice) else practice
    return f"{practice_id}:{kind}:{identifier.strip().lower()}"


def account_keys(user: User) -> list[str]:
    """Every identifier the account can be typed as: its username and its email."""
    typed = [user.username, user.email]
    return [identifier_key(user.practice_id, user.kind, name) for name in typed if name]


def is_locked(user: User, at: datetime | None = None) -> bool:
    """True while new browsers are refused for ``user``; it ends exactly at ``locked_until``."""
    at = at or timezone.now()
    return user.locked_until is not None and at < user.locked_until


def current_hold(key: str) -> Hold:
    return backoff_hold(SIGN_IN_BACKOFF, key)


def held_until(hold: Hold) -> datetime:
    return datetime.fromtimestamp(hold.until, UTC)


def note_failure(
    key: str,
    *,
    practice: Practice,
    candidates: list[User],
    by: Actor,
    at: datetime | None = None,
    details: dict[str, str] | None = None,
    reason: str = "",
    failed_action: str = "signin.failed",
) -> Hold:
    """Count one wrong password for the identifier ``key``; the hold that follows.

    A wrong second factor (``reason="wrong_second_factor"``, its own ``failed_action``)
    counts here too: one counter for both steps, so guessing codes after the right
    password never gets more tries than guessing passwords.

    The same work whether or not ``candidates`` (the accounts it names) is empty:
    one back-off count, one UPDATE (matching no row for an unknown identifier), one
    audit event (``signin.locked`` when a refusal starts for one account, otherwise
    ``signin.failed``).
    """
    at = at or timezone.now()
    hold = backoff_failure(SIGN_IN_BACKOFF, key, now=at.timestamp())
    fields: dict[str, object] = {"failed_sign_ins": hold.failures}
    if hold.until:
        until = Value(held_until(hold))
        # Never shorten a longer refusal already running on the account's other identifier.
        fields["locked_until"] = Greatest(Coalesce("locked_until", until), until)
    # pk 0 never exists: an unknown identifier costs the same UPDATE as a known one.
    ids = [user.pk for user in candidates] or [0]
    User.objects.filter(practice=practice, pk__in=ids).update(**fields)
    for user in candidates:
        user.failed_sign_ins = hold.failures
        if hold.until:
            mine = held_until(hold)
            user.locked_until = max(user.locked_until or mine, mine)

    details = {
        **(details or {}),
        "reason": reason or ("wrong_password" if candidates else "unknown_account"),
    }
    if hold.until:
        details.update(
            failed_sign_ins=str(hold.failures), locked_until=held_until(hold).isoformat()
        )
    single = candidates[0] if len(candidates) == 1 else None
    record(
        "signin.locked" if hold.until and single else failed_action,
        practice=practice,
        actor=by,
        subject_user=single,
        details=details,
    )
    return hold


def register_failure(user: User, *, by: Actor, at: datetime | None = None) -> bool:
    """One wrong password typed with ``user``'s username; True if attempts are now refused."""
    hold = note_failure(
        identifier_key(user.practice_id, user.kind, user.username),
        practice=user.practice,
        candidates=[user],
        by=by,
        at=at,
        details={"identifier_kind": "username", "kind": user.kind},
    )
    return bool(hold.until)


def forget_failures(user: User, *also: str) -> None:
    """Start again from nothing: the account's identifiers (and the keys in ``also``)."""
    backoff_forget(SIGN_IN_BACKOFF, *account_keys(user), *also)
    if user.failed_sign_ins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
        user.failed_sign_ins = 0
        user.locked_until = None


@transaction.atomic
def unlock_user(user: User, *, by: Actor, client: Client | None = None) -> bool:
    """Lift the refusal early (staff "Unlock"). True if the account was locked.

    Clears the back-off of the account's username and email. ``client`` puts the
    event on that client's access history.
    """
    was_locked = is_locked(user)
    backoff_forget(SIGN_IN_BACKOFF, *account_keys(user))
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins = 0
    user.locked_until = None
    record(
        Action.UNLOCKED,
        practice=user.practice,
        actor=by,
        client=client,
        subject_user=user,
        details={"was_locked": was_locked, "username": user.username},
    )
    return was_locked
