"""Session limits: the right practice, idle sign-out, and a 12-hour ceiling.

A session only counts inside the practice it was made for. Idle limits come from
the practice's settings (staff and clients differ); the absolute limit is
SESSION_COOKIE_AGE from sign-in, however active the session is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext

SIGNED_IN_AT = "portico_signed_in_at"
# Why the session was ended, kept in the fresh session for the sign-in page to say.
SIGNED_OUT_REASON = "portico_signed_out_reason"
LAST_SEEN = "portico_last_seen"
# Write the last-seen time at most this often, so browsing does not write the
# session on every request.
LAST_SEEN_RESOLUTION = 30


def mark_signed_in(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Receiver of ``user_logged_in``: every sign-in starts both clocks."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            practice = getattr(request, "practice", None)
            if practice is None or user.practice_id != practice.pk:
                # A session made in another practice means nothing here.
                request.user = AnonymousUser()
            else:
                self._enforce_limits(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        """A signed-in session that still owes a second factor, or must enrol one, goes
        there first (portico.twofactor.flow.gate): it runs here, once the URL is known."""
        if not request.user.is_authenticated:
            return None
        from portico.twofactor.flow import gate

        return gate(request)

    def _enforce_limits(self, request: HttpRequest) -> None:
        user = request.user
        practice = request.practice  # type: ignore[attr-defined]
        now = int(time.time())
        idle_minutes = (
            practice.staff_idle_minutes if user.kind == "staff" else practice.client_idle_minutes  # type: ignore[union-attr]
        )
        signed_in_at = request.session.get(SIGNED_IN_AT, 0)
        last_seen = request.session.get(LAST_SEEN, 0)
        # The reason is kept as data and put into words when shown (pop_signed_out_reason),
        # in the language of the sign-in page that shows it.
        reason: dict[str, int | str]
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            reason = {"limit": "absolute"}
        elif now - last_seen > idle_minutes * 60:
            reason = {"limit": "idle", "minutes": idle_minutes}
        else:
            if now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
            return
        logout(request)
        # This middleware runs before MessageMiddleware, so the reason waits in
        # the (new, empty) session until the sign-in page shows it.
        request.session[SIGNED_OUT_REASON] = reason


def pop_signed_out_reason(request: HttpRequest) -> str | None:
    """Why the visitor was just signed out (idle or 12-hour limit), once; for sign-in pages."""
    reason = request.session.pop(SIGNED_OUT_REASON, None)
    if isinstance(reason, dict):
        if reason.get("limit") == "idle":
            minutes = int(reason.get("minutes", 0))
            return ngettext(
                "For your security you were signed out after %(minutes)d minute "
                "without activity. Please sign in again.",
                "For your security you were signed out after %(minutes)d minutes "
                "without activity. Please sign in again.",
                minutes,
            ) % {"minutes": minutes}
        return gettext(
            "For your security you were signed out after 12 hours. Please sign in again."
        )
    return reason if isinstance(reason, str) else None
