"""The second step of signing in, and the session marks the two-factor rules read.

After the right password an account with a second factor is *not* signed in: the
session holds a pending sign-in (who, which practice, when; five minutes), and the
second-step page asks for a code from the app, a recovery code or a passkey. That
step is held to the sign-in rules of the first: the per-IP limit, the identifier's
back-off (a wrong code counts in the same counter as a wrong password, through
``lockout.note_failure``), and a locked or disabled account gets the words of the
first step. Only then does ``login()`` give the session a new id.

Session marks, set when Django's ``login()`` announces a sign-in (``note_sign_in``):

- ``VERIFIED_AT``: when the password (and second factor) were last checked, for
  re-authentication (``reauth.py``);
- ``ENROL_DUE``: the practice requires a second factor and the account has none:
  every page but enrolment and sign-out leads to enrolment (``gate``);
- ``FACTOR_DUE``: a sign-in that skipped the second step (an invitation accepted
  with an existing account's password): the session is ended and turned into a
  pending sign-in, so the second step is asked for there too.
"""

from __future__ import annotations

import time
from typing import Any, cast

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from portico.accounts.devices import DEVICE_BACKOFF, device_cookie_value, trusted_devices
from portico.accounts.lockout import current_hold, identifier_key, note_failure
from portico.accounts.models import User, UserKind
from portico.accounts.signin import (
    Outcome,
    SignInResult,
    account_refusal,
    forget_after_success,
    held_back,
    rate_limited,
    record_failure,
)
from portico.audit.actor import Actor, client_ip
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.ratelimit import Hold, backoff_failure, consume
from portico.practices.models import Practice
from portico.twofactor.factors import looks_like_app_code, use_app_code, use_recovery_code
from portico.twofactor.methods import (
    APP,
    PASSKEY,
    RECOVERY_CODE,
    has_second_factor,
    is_required,
    passkeys_api,
    recovery_codes_left,
)

PENDING = "twofactor_pending"
PENDING_LIFETIME = 5 * 60  # seconds
VERIFIED_AT = "twofactor_verified_at"
ENROL_DUE = "twofactor_enrol_due"
FACTOR_DUE = "twofactor_factor_due"
# Set on the request by the second step just before login(): that sign-in had both.
_PASSED = "portico_second_factor"


def wrong_code_message() -> str:
    return gettext("That code did not work. Check it and try again, or use another way below.")


def expired_message() -> str:
    return gettext("Your sign-in took longer than 5 minutes. Please enter your password again.")


# --- the pending sign-in ----------------------------------------------------------------------


def start_second_step(request: HttpRequest, *, user: User, key: str, identifier_kind: str) -> None:
    """Remember who gave the right password; they are not signed in."""
    request.session[PENDING] = {
        "user": user.pk,
        "practice": user.practice_id,
        "kind": user.kind,
        "at": time.time(),
        "key": key,
        "identifier_kind": identifier_kind,
    }
    record(
        Action.SECOND_STEP_ASKED,
        practice=user.practice,
        actor=Actor.from_request(request, label="visitor"),
        subject_user=user,
        details={"identifier_kind": identifier_kind, "kind": user.kind},
    )


def _pending_state(request: HttpRequest, practice: Practice, kind: str) -> dict[str, Any] | None:
    state = request.session.get(PENDING)
    if not isinstance(state, dict):
        return None
    fresh = time.time() - float(state.get("at", 0)) < PENDING_LIFETIME
    if state.get("practice") != practice.pk or state.get("kind") != kind or not fresh:
        return None
    return state


def pending_user(request: HttpRequest, practice: Practice, kind: str) -> User | None:
    """Who is between the two steps in this session, while the five minutes last."""
    state = _pending_state(request, practice, kind)
    if state is None:
        return None
    return User.objects.filter(pk=state["user"], practice=practice, kind=kind).first()


def has_pending(request: HttpRequest) -> bool:
    return isinstance(request.session.get(PENDING), dict)


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


# --- checking a second factor (sign-in and re-authentication) ---------------------------------


def verify_second_factor(
    request: HttpRequest, user: User, *, code: str = "", passkey_credential: str = ""
) -> str:
    """Which method proved it is ``user`` (APP, RECOVERY_CODE, PASSKEY), or "" if none."""
    if passkey_credential:
        api = passkeys_api()
        ok = api is not None and api.verify_sign_in(request, user, passkey_credential)
        return PASSKEY if ok else ""
    if looks_like_app_code(code):
        return APP if use_app_code(user, code) else ""
    return RECOVERY_CODE if use_recovery_code(user, code) else ""


def count_wrong_second_factor(
    request: HttpRequest, user: User, *, key: str, method: str, details: dict[str, str]
) -> Hold | None:
    """A wrong code counts like a wrong password: in this browser's own allowance if it
    is trusted for the account, otherwise in the identifier's back-off. The hold that
    follows (None for a trusted browser)."""
    now = timezone.now()
    visitor = Actor.from_request(request, label="visitor")
    failed = {**details, "reason": "wrong_second_factor", "method": method}
    devices = trusted_devices(request, [user])
    if devices:
        for device in devices:
            backoff_failure(DEVICE_BACKOFF, device.nonce, now=now.timestamp())
        record(
            Action.SECOND_FACTOR_FAILED,
            practice=user.practice,
            actor=visitor,
            subject_user=user,
            details={**failed, "trusted_device": "yes"},
        )
        return None
    return note_failure(
        key,
        practice=user.practice,
        candidates=[user],
        by=visitor,
        at=now,
        details=failed,
        reason="wrong_second_factor",
        failed_action=Action.SECOND_FACTOR_FAILED,
    )


def _method_tried(code: str, passkey_credential: str) -> str:
    if passkey_credential:
        return PASSKEY
    return APP if looks_like_app_code(code) else RECOVERY_CODE


def complete_second_step(
    request: HttpRequest,
    *,
    practice: Practice,
    kind: str,
    code: str = "",
    passkey_credential: str = "",
) -> SignInResult:
    """Check the second factor of the pending sign-in; on success, log in."""
    state = _pending_state(request, practice, kind)
    if state is None:
        drop_pending(request)
        return SignInResult(Outcome.SECOND_STEP_EXPIRED, message=expired_message())
    visitor = Actor.from_request(request, label="visitor")
    details = {"identifier_kind": str(state.get("identifier_kind", "")), "kind": kind}
    verdict = consume(
        "staff_sign_in" if kind == UserKind.STAFF else "portal_sign_in", ip=client_ip(request)
    )
    if not verdict.allowed:
        record(Action.SIGN_IN_RATE_LIMITED, practice=practice, actor=visitor, details=details)
        return rate_limited(verdict.retry_after)
    user = User.objects.filter(pk=state["user"], practice=practice, kind=kind).first()
    if user is None:
        drop_pending(request)
        return SignInResult(Outcome.SECOND_STEP_EXPIRED, message=expired_message())

    now = timezone.now()
    key = str(state["key"])
    devices = trusted_devices(request, [user])
    hold = current_hold(key)
    if hold.refuses(now.timestamp()) and not devices:
        drop_pending(request)
        record_failure(practice, visitor, user, {**details, "reason": "locked", "step": "second"})
        return held_back(practice, kind, hold, now)
    refusal = account_refusal(user, practice=practice, kind=kind, now=now)
    if refusal is not None:
        drop_pending(request)
        record_failure(practice, visitor, user, {**details, "reason": refusal.reason})
        return refusal.result

    method = verify_second_factor(request, user, code=code, passkey_credential=passkey_credential)
    if not method:
        tried = _method_tried(code, passkey_credential)
        hold_after = count_wrong_second_factor(
            request, user, key=key, method=tried, details=details
        )
        if hold_after is not None and hold_after.refuses(now.timestamp()):
            drop_pending(request)
            return held_back(practice, kind, hold_after, now)
        return SignInResult(Outcome.WRONG_SECOND_FACTOR, message=wrong_code_message())

    drop_pending(request)
    forget_after_success(user, devices=devices, key=key)
    with transaction.atomic():
        setattr(request, _PASSED, method)
        login(request, user, backend="portico.accounts.backends.PracticeBackend")
        signed_in = {**details, "second_factor": method}
        if method == RECOVERY_CODE:
            signed_in["recovery_codes_left"] = str(recovery_codes_left(user))
        record(
            Action.SIGN_IN_SUCCEEDED,
            practice=practice,
            actor=Actor.from_request(request),
            subject_user=user,
            details=signed_in,
        )
    return SignInResult(
        Outcome.SIGNED_IN,
        user=user,
        must_change_password=user.must_change_password,
        device_cookie=device_cookie_value(request, user),
        second_factor=True,
    )


# --- what login() leaves in the session, and the gate that reads it ---------------------------


def note_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """Receiver of ``user_logged_in`` (after the session clocks): the two-factor marks."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[VERIFIED_AT] = time.time()
    if getattr(request, _PASSED, ""):
        return
    # The sign-in check may have just asked (accounts.signin): not twice per sign-in.
    known = getattr(user, "portico_second_factor", None)
    if known if known is not None else has_second_factor(user):
        request.session[FACTOR_DUE] = True
    elif is_required(user):
        request.session[ENROL_DUE] = True


def mark_verified(request: HttpRequest) -> None:
    request.session[VERIFIED_AT] = time.time()


# Pages open while enrolment is due: enrolling itself, passkeys, and signing out.
_OPEN_DURING_ENROLMENT = {"twofactor", "portal_security", "passkeys"}
_SIGN_OUT = {("accounts", "staff_sign_out"), ("portal", "sign_out")}


def gate(request: HttpRequest) -> HttpResponse | None:
    """Where a signed-in session must go first, if anywhere (SessionLimitsMiddleware)."""
    session = request.session
    if not (session.get(FACTOR_DUE) or session.get(ENROL_DUE)):
        return None
    user = cast(User, request.user)
    staff = user.kind == UserKind.STAFF
    if session.get(FACTOR_DUE):
        logout(request)  # a new, empty session: this sign-in never counted
        key = identifier_key(user.practice_id, user.kind, user.email if staff else user.username)
        start_second_step(request, user=user, key=key, identifier_kind="username")
        return redirect("twofactor:staff_second_step" if staff else "portal_security:second_step")
    match = getattr(request, "resolver_match", None)
    if match is not None and (
        match.namespace in _OPEN_DURING_ENROLMENT or (match.namespace, match.url_name) in _SIGN_OUT
    ):
        return None
    if has_second_factor(user):  # enrolled (a passkey page, another tab): done
        session.pop(ENROL_DUE, None)
        return None
    return redirect("twofactor:enrol" if staff else "portal_security:enrol")
