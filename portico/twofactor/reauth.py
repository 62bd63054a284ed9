"""Re-authentication before sensitive actions: staff's, and a portal user's changes to
how they sign in (removing an authenticator app or a passkey, new recovery codes).

``@recent_authentication_required()`` lets a request through only if this session
checked the password (and the second factor, when the account has one) less than 15
minutes ago: at sign-in or on the "Confirm it's you" page. Otherwise the person goes to
that page and comes back to where they were (``next``: the page itself for a GET, the
page the form was on for a POST — what they were doing is not replayed, they do it
again). ``methods=("POST",)`` guards only the changes of a page that may be read freely.

Put it under ``@staff_required`` (or ``@portal_user_required…`` with
``confirm_page=PORTAL_CONFIRM``), so nobody signed out or outside the practice is
asked for a password.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlparse

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portico.twofactor.flow import VERIFIED_AT

REAUTH_WINDOW = 15 * 60  # seconds
STAFF_CONFIRM = "twofactor:reauthenticate"
PORTAL_CONFIRM = "portal_security:reauthenticate"

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def recently_authenticated(request: HttpRequest) -> bool:
    at = request.session.get(VERIFIED_AT)
    return isinstance(at, int | float) and time.time() - at < REAUTH_WINDOW


def safe_next(request: HttpRequest, target: str) -> str:
    """``target`` if it is a page of this site (path only), else ""."""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parsed = urlparse(target)
    if not parsed.path.startswith("/"):
        return ""
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def _come_back_to(request: HttpRequest) -> str:
    if request.method == "GET":
        return request.get_full_path()
    return safe_next(request, request.headers.get("Referer", "")) or request.path


def recent_authentication_required(
    methods: Iterable[str] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
    *,
    confirm_page: str = STAFF_CONFIRM,
) -> Callable[[View], View]:
    guarded = {method.upper() for method in methods}

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in guarded and not recently_authenticated(request):
                confirm = reverse(confirm_page)
                return redirect(f"{confirm}?{urlencode({'next': _come_back_to(request)})}")
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator
