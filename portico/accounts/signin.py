"""Signing in to one practice: shared by the staff and the portal sign-in pages.

One function decides, in this order: rate limit, account lock, password (the
accounts PracticeBackend finds, scoped by practice and kind), then — only after the right
password — whether the account is disabled or its temporary password expired.
Unknown accounts and wrong passwords get the same words, so the page does not
reveal who has an account. Every outcome is audited without the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone

from portico.accounts.backends import find_sign_in_candidates, verify_password
from portico.accounts.lockout import clear_failures, is_locked, register_failure
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor, client_ip
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import clock
from portico.lib.ratelimit import consume
from portico.practices.models import Practice

NO_MATCH = "That email/username and password do not match our records."


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    NO_MATCH = "no_match"  # unknown account or wrong password: the same to the visitor
    LOCKED = "locked"
    DISABLED = "disabled"
    TEMPORARY_PASSWORD_EXPIRED = "temporary_password_expired"  # noqa: S105 (an outcome name)
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    message: str = ""  # what to tell the visitor when not signed in
    user: User | None = None  # set only when signed in
    must_change_password: bool = False
    locked_until: datetime | None = None
    retry_after: int = 0  # seconds, when rate limited

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.SIGNED_IN


def identifier_kind(identifier: str) -> str:
    return "email" if "@" in identifier else "username"


def attempt_sign_in(
    request: HttpRequest, *, practice: Practice, kind: str, identifier: str, password: str
) -> SignInResult:
    """Try to sign ``identifier`` in to ``practice`` as a ``kind`` user; on success, log in."""
    identifier = identifier.strip()
    ip = client_ip(request)
    action = "staff_sign_in" if kind == UserKind.STAFF else "portal_sign_in"
    verdict = consume(action, ip=ip, key=f"{practice.pk}:{identifier.lower()}")
    details = {"identifier_kind": identifier_kind(identifier), "kind": kind}
    visitor = Actor.from_request(request, label="visitor")
    if not verdict.allowed:
        minutes = max(1, -(-verdict.retry_after // 60))
        record(Action.SIGN_IN_RATE_LIMITED, practice=practice, actor=visitor, details=dict(details))
        return SignInResult(
            Outcome.RATE_LIMITED,
            message=(
                "Too many sign-in attempts. Please wait "
                f"{minutes} minute{'s' if minutes != 1 else ''} and try again."
            ),
            retry_after=verdict.retry_after,
        )

    now = timezone.now()
    candidates = find_sign_in_candidates(practice=practice, kind=kind, identifier=identifier)
    if candidates and all(is_locked(user, now) for user in candidates):
        return _locked(practice, candidates[0], visitor, details)

    # The candidates found above are checked directly: one lookup per attempt.
    user = verify_password(candidates, password)
    if user is None:
        for candidate in candidates:
            if not is_locked(candidate, now):
                register_failure(candidate, by=visitor, at=now)
        record(
            Action.SIGN_IN_FAILED,
            practice=practice,
            actor=visitor,
            subject_user=candidates[0] if len(candidates) == 1 else None,
            details={**details, "reason": "wrong_password" if candidates else "unknown_account"},
        )
        if len(candidates) == 1 and is_locked(candidates[0], now):
            return _locked(practice, candidates[0], visitor, details, audit=False)
        return SignInResult(Outcome.NO_MATCH, message=NO_MATCH)

    if is_locked(user, now):
        return _locked(practice, user, visitor, details)
    if not user.is_active:
        record(
            Action.SIGN_IN_FAILED,
            practice=practice,
            actor=visitor,
            subject_user=user,
            details={**details, "reason": "disabled"},
        )
        return SignInResult(Outcome.DISABLED, message=_disabled_message(practice, kind))
    if (
        user.must_change_password
        and user.temporary_password_expires_at is not None
        and now >= user.temporary_password_expires_at
    ):
        record(
            Action.SIGN_IN_FAILED,
            practice=practice,
            actor=visitor,
            subject_user=user,
            details={**details, "reason": "temporary_password_expired"},
        )
        return SignInResult(
            Outcome.TEMPORARY_PASSWORD_EXPIRED,
            message=(
                "This temporary password has expired. Ask the practice to set a new one, "
                "or use “Forgot password?”."
            ),
        )

    clear_failures(user)
    # login() gives the session a new id and stamps last_login (user_logged_in signal).
    login(request, user)
    record(
        Action.SIGN_IN_SUCCEEDED,
        practice=practice,
        actor=Actor.from_request(request),
        subject_user=user,
        details=details,
    )
    return SignInResult(
        Outcome.SIGNED_IN, user=user, must_change_password=user.must_change_password
    )


def _locked(
    practice: Practice,
    user: User,
    visitor: Actor,
    details: dict[str, str],
    *,
    audit: bool = True,
) -> SignInResult:
    if audit:
        record(
            Action.SIGN_IN_FAILED,
            practice=practice,
            actor=visitor,
            subject_user=user,
            details={**details, "reason": "locked"},
        )
    until = user.locked_until
    assert until is not None  # noqa: S101 (only called for locked accounts)
    return SignInResult(
        Outcome.LOCKED,
        message=(
            "Too many wrong passwords: this account is locked until "
            f"{clock(practice, until)} ({practice.timezone.replace('_', ' ')}). "
            "Try again then, or ask the practice to unlock it."
        ),
        locked_until=until,
    )


def _disabled_message(practice: Practice, kind: str) -> str:
    if kind == UserKind.STAFF:
        return (
            "Your staff account has been deactivated. "
            "Ask an owner or administrator of the practice if you need access again."
        )
    return f"Your portal access is turned off. Please contact {practice.name} to turn it back on."
