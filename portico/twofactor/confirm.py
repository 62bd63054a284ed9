"""'Confirm it is you': the password again (and the second factor when the account has
one), under every sign-in rule, for staff and portal users alike.

The pages around it differ (staff/base or portal/base, staff or client wording); the
check is this one function, so a wrong answer here counts exactly as one at sign-in
(the per-IP limit, the identifier's back-off shared with the sign-in page, the lock),
and a right one marks the session as just verified (``reauth.py``) and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from portico.accounts.lockout import forget_failures
from portico.accounts.models import User, UserKind
from portico.accounts.signin import Outcome, check_credentials, held_back
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.practices.models import Practice
from portico.twofactor.flow import (
    count_wrong_second_factor,
    mark_verified,
    verify_second_factor,
    wrong_code_message,
)
from portico.twofactor.forms import ReauthenticateForm
from portico.twofactor.methods import has_second_factor


@dataclass(frozen=True)
class Confirmation:
    ok: bool = False
    problem: str = ""  # worded by the sign-in rules; "" means "the password is not right"
    retry_after: int | None = None  # too many attempts from this address


def confirm_identity(
    request: HttpRequest,
    practice: Practice,
    user: User,
    *,
    password: str,
    code: str = "",
    passkey_credential: str = "",
) -> Confirmation:
    """Check that the person at ``request`` is ``user``, signed in already."""
    staff = user.kind == UserKind.STAFF
    checked = check_credentials(
        request,
        practice=practice,
        kind=user.kind,
        identifier=user.email if staff else user.username,
        password=password,
        during="reauthentication",
    )
    if checked.outcome == Outcome.RATE_LIMITED:
        return Confirmation(retry_after=checked.retry_after)
    if not checked.ok or checked.user is None or checked.user.pk != user.pk:
        return Confirmation(problem=checked.message)
    wants_code = has_second_factor(user)
    if wants_code and not verify_second_factor(
        request, user, code=code, passkey_credential=passkey_credential
    ):
        details = {
            "identifier_kind": "email" if staff else "username",
            "kind": user.kind,
            "during": "reauthentication",
        }
        method = "passkey" if passkey_credential else "code"
        hold = count_wrong_second_factor(
            request, user, key=checked.identifier_key, method=method, details=details
        )
        if hold is not None and hold.refuses():
            locked = held_back(practice, user.kind, hold, timezone.now())
            return Confirmation(problem=locked.message)
        return Confirmation(problem=wrong_code_message())
    if wants_code:
        forget_failures(user, checked.identifier_key)
    mark_verified(request)
    record(
        Action.REAUTHENTICATED,
        practice=practice,
        actor=Actor.from_request(request),
        subject_user=user,
        details={"second_factor": "yes" if wants_code else "no"},
    )
    return Confirmation(ok=True)


def read_confirmation(
    request: HttpRequest, practice: Practice, user: User
) -> tuple[ReauthenticateForm, Confirmation | None]:
    """The "Confirm it is you" form of this request, and its answer checked when posted
    and well formed (None: nothing to check yet, or the form shows what is missing)."""
    form = ReauthenticateForm(
        request.POST if request.method == "POST" else None, wants_code=has_second_factor(user)
    )
    if request.method != "POST" or not form.is_valid():
        return form, None
    return form, confirm_identity(
        request,
        practice,
        user,
        password=form.cleaned_data["password"],
        code=form.cleaned_data.get("code", ""),
        passkey_credential=form.cleaned_data.get("passkey_credential", ""),
    )
