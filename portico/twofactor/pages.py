"""The pages both sides share (staff app and portal): second step, enrolment, security.

Each view module passes its ``Side``: which layout, URL names and home page to use.
Views stay thin: a form, one lookup, one action, one response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portico.accounts.devices import set_device_cookie
from portico.accounts.middleware import SIGNED_OUT_REASON
from portico.accounts.models import User
from portico.accounts.signin import Outcome, SignInResult
from portico.audit.actor import Actor
from portico.lib.http import too_many_attempts
from portico.practices.models import Practice
from portico.twofactor import actions
from portico.twofactor.factors import grouped, new_secret, qr_code_svg
from portico.twofactor.flow import (
    ENROL_DUE,
    complete_second_step,
    drop_pending,
    mark_verified,
    pending_user,
)
from portico.twofactor.forms import EnrolAppForm, SecondStepForm
from portico.twofactor.methods import (
    has_authenticator_app,
    has_passkeys,
    is_required,
    passkeys_api,
    recovery_codes_left,
)

NEW_SECRET = "twofactor_new_secret"  # noqa: S105 (a session key's name)


@dataclass(frozen=True)
class Side:
    kind: str
    layout: str  # the page layout signed-in pages extend
    namespace: str  # of this side's two-factor URLs
    sign_in: str  # URL name
    home: str  # URL name


def url(side: Side, name: str) -> str:
    return reverse(f"{side.namespace}:{name}")


def passkey_context(request: HttpRequest, user: User) -> dict[str, Any]:
    """The passkey button's options, when the account has a passkey (a new challenge)."""
    api = passkeys_api()
    if api is None or not api.has_passkeys(user):
        return {}
    return {"passkey_options": api.sign_in_options(request, user)}


def manage_passkeys_context(request: HttpRequest) -> dict[str, Any]:
    api = passkeys_api()
    if api is None:
        return {}
    return {"passkeys_manage": True, **api.manage_context(request, next_url=request.path)}


# --- second step ------------------------------------------------------------------------------


def second_step(
    request: HttpRequest, practice: Practice, side: Side, *, next_url: str, disabled: str
) -> HttpResponse:
    """``disabled``: what this side's sign-in page says to a disabled account."""
    user = pending_user(request, practice, side.kind)
    if user is None:
        drop_pending(request)
        request.session[SIGNED_OUT_REASON] = _(
            "Your sign-in took longer than 5 minutes. Please enter your password again."
        )
        return redirect(side.sign_in)
    form = SecondStepForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        result = complete_second_step(
            request,
            practice=practice,
            kind=side.kind,
            code=form.cleaned_data["code"],
            passkey_credential=form.cleaned_data["passkey_credential"],
        )
        if result.ok:
            return _signed_in(request, side, result, next_url)
        if result.outcome == Outcome.RATE_LIMITED:
            layout = "base.html" if side.kind == "staff" else "portal/base.html"
            return too_many_attempts(request, result.retry_after, layout=layout)
        if result.outcome != Outcome.WRONG_SECOND_FACTOR:
            # Locked, disabled, too slow: the sign-in page says it in its own words.
            message = disabled if result.outcome == Outcome.DISABLED else result.message
            request.session[SIGNED_OUT_REASON] = message
            return redirect(side.sign_in)
        problem = result.message
    context = {
        "form": form,
        "problem": problem,
        "next": next_url,
        "side": side,
        "step_layout": "base.html" if side.kind == "staff" else "portal/base.html",
        "action": url(side, "staff_second_step" if side.kind == "staff" else "second_step"),
        "has_app": has_authenticator_app(user),
        **passkey_context(request, user),
    }
    return render(request, "twofactor/second_step.html", context, status=400 if problem else 200)


def _signed_in(
    request: HttpRequest, side: Side, result: SignInResult, next_url: str
) -> HttpResponse:
    if side.kind != "staff" and result.must_change_password:
        response = redirect("portal:change_password")
    else:
        response = redirect(next_url or reverse(side.home))
    set_device_cookie(response, result.device_cookie)
    return response


# --- enrolment: the authenticator app ---------------------------------------------------------


@never_cache
def enrol(request: HttpRequest, user: User, side: Side) -> HttpResponse:
    secret = request.session.get(NEW_SECRET)
    if not isinstance(secret, str) or not secret:
        secret = request.session[NEW_SECRET] = new_secret()
    form = EnrolAppForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = actions.add_authenticator_app(
            user, secret=secret, code=form.cleaned_data["code"], by=Actor.from_request(request)
        )
        if codes is None:
            form.add_error(
                "code",
                _(
                    "That code does not match. Codes change every 30 seconds: "
                    "type the one your app shows now."
                ),
            )
        else:
            request.session.pop(NEW_SECRET, None)
            walked = bool(request.session.pop(ENROL_DUE, None))
            mark_verified(request)
            if not codes:
                messages.success(request, _("Your authenticator app is set up."))
                return redirect(url(side, "security"))
            return _show_codes(request, side, codes, first=True, walked=walked)
    context = {
        "form": form,
        "side": side,
        "qr_code": qr_code_svg(secret, user=user),
        "secret": grouped(secret),
        "required_now": bool(request.session.get(ENROL_DUE)),
        "replacing": has_authenticator_app(user),
        **(manage_passkeys_context(request) if request.session.get(ENROL_DUE) else {}),
    }
    return render(request, "twofactor/enrol.html", context, status=400 if form.errors else 200)


def _show_codes(
    request: HttpRequest, side: Side, codes: list[str], *, first: bool, walked: bool = False
) -> HttpResponse:
    context = {
        "codes": codes,
        "side": side,
        "first": first,
        "continue_url": reverse(side.home) if walked else url(side, "security"),
    }
    response = render(request, "twofactor/recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def security(request: HttpRequest, user: User, side: Side) -> HttpResponse:
    context = {
        "side": side,
        "has_app": has_authenticator_app(user),
        "has_passkeys": has_passkeys(user),
        "codes_left": recovery_codes_left(user),
        "required": is_required(user),
        **manage_passkeys_context(request),
    }
    return render(request, "twofactor/security.html", context)


def regenerate_codes(request: HttpRequest, user: User, side: Side) -> HttpResponse:
    if not (has_authenticator_app(user) or has_passkeys(user)):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect(url(side, "security"))
    codes = actions.regenerate_recovery_codes(user, by=Actor.from_request(request))
    return _show_codes(request, side, codes, first=False)


def remove_app(request: HttpRequest, user: User, side: Side) -> HttpResponse:
    try:
        removed = actions.remove_authenticator_app(user, by=Actor.from_request(request))
    except actions.TwoFactorRuleError:
        messages.error(
            request,
            _("Your practice requires two-step sign-in: add a passkey before removing the app."),
        )
    else:
        if removed:
            messages.success(request, _("The authenticator app was removed."))
    return redirect(url(side, "security"))


def second_step_redirect(kind: str, next_url: str = "") -> HttpResponse:
    """Where a sign-in page sends the right password of an account with a second factor."""
    from urllib.parse import urlencode

    target = reverse(
        "twofactor:staff_second_step" if kind == "staff" else "portal_security:second_step"
    )
    return redirect(target + (f"?{urlencode({'next': next_url})}" if next_url else ""))
