"""Portal pages: the second step of signing in, "Sign-in security" (optional
authenticator app / passkey for a client's or contact's own account), and "Confirm it
is you" before taking a method away or making new recovery codes."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.accounts.models import User, UserKind
from portico.lib.http import too_many_attempts
from portico.portal.decorators import portal_user_required_even_before_password_change
from portico.portal.views import _disabled_message, _safe_next
from portico.practices.http import PracticeRequest
from portico.twofactor import pages
from portico.twofactor.confirm import read_confirmation
from portico.twofactor.reauth import PORTAL_CONFIRM, recent_authentication_required, safe_next

PORTAL = pages.Side(
    kind=UserKind.PORTAL,
    layout="portal/base.html",
    namespace="portal_security",
    sign_in="portal:sign_in",
    home="portal:home",
)


@sensitive_post_parameters("code", "passkey_credential")
@never_cache
@require_http_methods(["GET", "POST"])
def second_step(http_request: HttpRequest) -> HttpResponse:
    request = cast(PracticeRequest, http_request)
    return pages.second_step(
        request,
        request.practice,
        PORTAL,
        next_url=_safe_next(request),
        disabled=_disabled_message(request.practice),
    )


# Enrolment comes before a forced password change (the gate sends them here first).
@never_cache
@require_http_methods(["GET", "POST"])
@portal_user_required_even_before_password_change
def enrol(request: HttpRequest) -> HttpResponse:
    return pages.enrol(request, cast(User, request.user), PORTAL)


@require_GET
@portal_user_required_even_before_password_change
def security(request: HttpRequest) -> HttpResponse:
    return pages.security(request, cast(User, request.user), PORTAL)


@require_POST
@portal_user_required_even_before_password_change
@recent_authentication_required(confirm_page=PORTAL_CONFIRM)
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    return pages.regenerate_codes(request, cast(User, request.user), PORTAL)


@require_POST
@portal_user_required_even_before_password_change
@recent_authentication_required(confirm_page=PORTAL_CONFIRM)
def remove_app(request: HttpRequest) -> HttpResponse:
    return pages.remove_app(request, cast(User, request.user), PORTAL)


@sensitive_post_parameters("password", "code", "passkey_credential")
@never_cache
@require_http_methods(["GET", "POST"])
@portal_user_required_even_before_password_change
def reauthenticate(http_request: HttpRequest) -> HttpResponse:
    """ "Confirm it is you" before a change to how this person signs in."""
    request = cast(PracticeRequest, http_request)
    user = cast(User, request.user)
    form, confirmed = read_confirmation(request, request.practice, user)
    wants_code = form.wants_code
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    problem = ""
    if confirmed is not None:
        if confirmed.retry_after is not None:
            return too_many_attempts(request, confirmed.retry_after, layout="portal/base.html")
        if confirmed.ok:
            messages.success(
                request,
                _("Thank you. You can change how you sign in for the next 15 minutes."),
            )
            return redirect(next_url or "portal_security:security")
        problem = confirmed.problem or _("That password is not right.")
    context = {
        "form": form,
        "problem": problem,
        "next": next_url,
        "wants_code": wants_code,
        "nav": "account",
        **(pages.passkey_context(request, user) if wants_code else {}),
    }
    status = 400 if problem else 200
    return render(request, "twofactor/portal_reauthenticate.html", context, status=status)
