"""Signing in to one practice: shared by the staff and portal sign-in pages and by the
"I already have an account" step of a contact's invitation.

One function decides, in this order: the per-IP rate limit; the identifier's
back-off (skipped for a browser whose device cookie names the account); the
password (the accounts PracticeBackend finds, scoped by practice and kind; an
unknown identifier still costs one hash); then — only after the right password —
whether the account is disabled or its temporary password expired.

Unknown accounts and wrong passwords get the same words, and a refused identifier
gets the same words, status and work whether or not an account has it, so the page
does not reveal who has an account. Nothing sleeps. Every outcome is audited
without the password.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from portico.accounts.backends import find_sign_in_candidates, verify_password
from portico.accounts.devices import (
    DEVICE_BACKOFF,
    TrustedDevice,
    device_cookie_value,
    trusted_devices,
)
from portico.accounts.lockout import (
    current_hold,
    forget_failures,
    held_until,
    identifier_key,
    note_failure,
)
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor, client_ip
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import clock
from portico.lib.ratelimit import Hold, backoff_failure, backoff_forget, consume
from portico.practices.models import Practice


def no_match_message() -> str:
    """Unknown account or wrong password: one sentence for both, in the page's language."""
    return gettext("That email/username and password do not match our records.")


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    NO_MATCH = "no_match"  # unknown account or wrong password: the same to the visitor
    LOCKED = "locked"  # the identifier is held back: the same for unknown accounts
    DISABLED = "disabled"
    TEMPORARY_PASSWORD_EXPIRED = "temporary_password_expired"  # noqa: S105 (an outcome name)
    RATE_LIMITED = "rate_limited"
    # The password was right and the account has a second factor: not signed in yet
    # (portico.twofactor.flow holds the pending sign-in in the session).
    SECOND_STEP = "second_step"
    SECOND_STEP_EXPIRED = "second_step_expired"
    WRONG_SECOND_FACTOR = "wrong_second_factor"


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    message: str = ""  # what to tell the visitor when not signed in
    user: User | None = None  # set only when the credentials are right and usable
    must_change_password: bool = False
    locked_until: datetime | None = None
    retry_after: int = 0  # seconds, when rate limited or held back
    # The trusted-device cookie to send with the response (accounts.devices), on success.
    device_cookie: str = ""
    # With the right password: the back-off key of the identifier typed, and whether the
    # account has a second factor (then its failures are forgotten only after that step).
    identifier_key: str = ""
    second_factor: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.SIGNED_IN


def identifier_kind(identifier: str) -> str:
    return "email" if "@" in identifier else "username"


def attempt_sign_in(
    request: HttpRequest, *, practice: Practice, kind: str, identifier: str, password: str
) -> SignInResult:
    """Try to sign ``identifier`` in to ``practice`` as a ``kind`` user; on success, log in.

    An account with a second factor is not signed in by its password: the outcome is
    ``SECOND_STEP`` and the session holds the pending sign-in for the second-step page.
    The view sends ``result.device_cookie`` with its response (``set_device_cookie``).
    """
    result = check_credentials(
        request, practice=practice, kind=kind, identifier=identifier, password=password
    )
    if result.ok and result.user is not None and result.second_factor:
        from portico.twofactor.flow import start_second_step

        start_second_step(
            request,
            user=result.user,
            key=result.identifier_key,
            identifier_kind=identifier_kind(identifier.strip()),
        )
        return replace(result, outcome=Outcome.SECOND_STEP, device_cookie="")
    if result.ok and result.user is not None:
        # login() gives the session a new id and stamps last_login (user_logged_in signal);
        # last_login and the audit row are committed together, one commit for both.
        with transaction.atomic():
            login(request, result.user)
            record(
                Action.SIGN_IN_SUCCEEDED,
                practice=practice,
                actor=Actor.from_request(request),
                subject_user=result.user,
                details={"identifier_kind": identifier_kind(identifier.strip()), "kind": kind},
            )
    return result


def check_credentials(
    request: HttpRequest,
    *,
    practice: Practice,
    kind: str,
    identifier: str,
    password: str,
    during: str = "",
) -> SignInResult:
    """Whose credentials these are, under every sign-in rule, without starting a session.

    ``during`` names a journey other than the sign-in page (e.g. "registration") in
    the audit events.
    """
    identifier = identifier.strip()
    visitor = Actor.from_request(request, label="visitor")
    details = {"identifier_kind": identifier_kind(identifier), "kind": kind}
    if during:
        details["during"] = during
    action = "staff_sign_in" if kind == UserKind.STAFF else "portal_sign_in"
    verdict = consume(action, ip=client_ip(request))
    if not verdict.allowed:
        record(Action.SIGN_IN_RATE_LIMITED, practice=practice, actor=visitor, details=dict(details))
        return rate_limited(verdict.retry_after)

    now = timezone.now()
    key = identifier_key(practice, kind, identifier)
    candidates = find_sign_in_candidates(practice=practice, kind=kind, identifier=identifier)
    devices = trusted_devices(request, candidates)
    hold = current_hold(key)
    held = hold.refuses(now.timestamp())
    single = candidates[0] if len(candidates) == 1 else None
    if held and not devices:
        record_failure(practice, visitor, single, {**details, "reason": "locked"})
        return held_back(practice, kind, hold, now)

    # While the identifier is held back, only the accounts this browser vouches for
    # may be opened; otherwise every account the identifier names.
    user = verify_password([device.user for device in devices] if held else candidates, password)
    if user is None and devices:
        # A trusted browser's mistakes spend its own small allowance, not the owner's.
        for device in devices:
            backoff_failure(DEVICE_BACKOFF, device.nonce, now=now.timestamp())
        failed = {**details, "reason": "wrong_password", "trusted_device": "yes"}
        record_failure(practice, visitor, single, failed)
        return SignInResult(Outcome.NO_MATCH, message=no_match_message())
    if user is None:
        hold = note_failure(
            key, practice=practice, candidates=candidates, by=visitor, at=now, details=details
        )
        if hold.refuses(now.timestamp()):
            return held_back(practice, kind, hold, now)
        return SignInResult(Outcome.NO_MATCH, message=no_match_message())

    refusal = account_refusal(user, practice=practice, kind=kind, now=now)
    if refusal is not None:
        record_failure(practice, visitor, user, {**details, "reason": refusal.reason})
        return refusal.result

    return _signed_in(request, user, devices=devices, key=key)


def _signed_in(
    request: HttpRequest, user: User, *, devices: list[TrustedDevice], key: str
) -> SignInResult:
    from portico.twofactor.methods import has_second_factor

    second_factor = has_second_factor(user)
    user.portico_second_factor = second_factor  # type: ignore[attr-defined]  # read by login()'s receiver
    if second_factor:
        # Not yet: wrong second factors count on, in the same back-off as passwords, so
        # a right password never wipes the count of the codes guessed after it.
        return SignInResult(Outcome.SIGNED_IN, user=user, identifier_key=key, second_factor=True)
    forget_after_success(user, devices=devices, key=key)
    return SignInResult(
        Outcome.SIGNED_IN,
        user=user,
        must_change_password=user.must_change_password,
        device_cookie=device_cookie_value(request, user),
        identifier_key=key,
    )


def forget_after_success(user: User, *, devices: list[TrustedDevice], key: str) -> None:
    """A full sign-in: the failures counted against the account start again from nothing."""
    vouching = [device for device in devices if device.user.pk == user.pk]
    if vouching:
        # The guesser's back-off on the identifier stays: only this browser is let through.
        backoff_forget(DEVICE_BACKOFF, *(device.nonce for device in vouching))
    else:
        forget_failures(user, key)


def record_failure(
    practice: Practice, visitor: Actor, subject: User | None, details: dict[str, str]
) -> None:
    record(
        Action.SIGN_IN_FAILED,
        practice=practice,
        actor=visitor,
        subject_user=subject,
        details=details,
    )


def rate_limited(retry_after: int) -> SignInResult:
    minutes = max(1, -(-retry_after // 60))
    return SignInResult(
        Outcome.RATE_LIMITED,
        message=ngettext(
            "Too many sign-in attempts. Please wait %(minutes)d minute and try again.",
            "Too many sign-in attempts. Please wait %(minutes)d minutes and try again.",
            minutes,
        )
        % {"minutes": minutes},
        retry_after=retry_after,
    )


@dataclass(frozen=True)
class _Refusal:
    reason: str  # for the audit details
    result: SignInResult


def account_refusal(user: User, *, practice: Practice, kind: str, now: datetime) -> _Refusal | None:
    """Why the right password still does not open this account, if it does not."""
    if not user.is_active:
        result = SignInResult(Outcome.DISABLED, message=_disabled_message(practice, kind))
        return _Refusal("disabled", result)
    expires = user.temporary_password_expires_at
    if user.must_change_password and expires is not None and now >= expires:
        result = SignInResult(
            Outcome.TEMPORARY_PASSWORD_EXPIRED,
            message=gettext(
                "This temporary password has expired. Ask the practice to set a new one, "
                "or use “Forgot password?”."
            ),
        )
        return _Refusal("temporary_password_expired", result)
    return None


def held_back(practice: Practice, kind: str, hold: Hold, now: datetime) -> SignInResult:
    """The refusal: its words depend only on the practice, the page and the time."""
    until = held_until(hold)
    # Shown to the minute, rounded up, so "until" is never a moment too early.
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    values = {
        "time": clock(practice, shown),
        "zone": practice.timezone.replace("_", " "),
        "practice": practice.name,
    }
    if kind == UserKind.STAFF:
        message = gettext(
            "Too many wrong passwords: signing in with this email address is locked until "
            "%(time)s (%(zone)s), except in a browser you have signed in with before. "
            "Try again then, or ask an owner or administrator of the practice to unlock it."
        )
    else:
        message = gettext(
            "Too many wrong passwords: signing in with this email or username is locked until "
            "%(time)s (%(zone)s), except in a browser you have signed in with before. "
            "Try again then, use “Forgot password?”, or ask %(practice)s to unlock it."
        )
    return SignInResult(
        Outcome.LOCKED,
        message=message % values,
        locked_until=until,
        retry_after=max(1, int(hold.until - now.timestamp() + 0.999)),
    )


def _disabled_message(practice: Practice, kind: str) -> str:
    if kind == UserKind.STAFF:
        return pgettext(
            "staff",
            "Your staff account has been deactivated. "
            "Ask an owner or administrator of the practice if you need access again.",
        )
    return gettext(
        "Your portal access is turned off. Please contact %(practice)s to turn it back on."
    ) % {"practice": practice.name}
