"""Portal pages: the second step of signing in, and "Sign-in security" (optional
authenticator app / passkey for a client's or contact's own account)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.accounts.models import User, UserKind
from portico.portal.decorators import portal_user_required_even_before_password_change
from portico.portal.views import _disabled_message, _safe_next
from portico.practices.http import PracticeRequest
from portico.twofactor import pages

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
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    return pages.regenerate_codes(request, cast(User, request.user), PORTAL)


@require_POST
@portal_user_required_even_before_password_change
def remove_app(request: HttpRequest) -> HttpResponse:
    return pages.remove_app(request, cast(User, request.user), PORTAL)
