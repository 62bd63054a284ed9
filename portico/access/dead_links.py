"""What a visitor is told when an emailed link no longer works.

Plain sentences, no personal data: the page may be opened by anyone holding the
URL. An unknown token and another practice's token both arrive here as None and
get the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portico.access.links import is_live
from portico.access.models import AccessLink, RevokeReason
from portico.lib.localtime import day_and_time

UNKNOWN = "This link is not valid. It may be mistyped or incomplete."


@dataclass(frozen=True)
class DeadLink:
    reason: str  # expired | superseded | used | access_disabled | dob_failures | revoked | unknown
    title: str
    sentences: tuple[str, ...]
    # Whether "sign in" is the likely next step (the person may already have an account).
    suggest_sign_in: bool = True


def explain_dead_link(link: AccessLink | None, at: datetime) -> DeadLink:
    if link is None or is_live(link, at):
        # A live link should never be explained as dead; treat a caller's mistake as unknown.
        return DeadLink("unknown", "This link does not work", (UNKNOWN,))
    if link.used_at is not None:
        return DeadLink(
            "used",
            "This link was already used",
            ("This link was already used. If you set up your account, sign in.",),
        )
    if link.revoked_at is not None:
        return _revoked(link)
    expired_on = day_and_time(link.practice, link.expires_at)
    return DeadLink("expired", "This link has expired", (f"This link expired on {expired_on}.",))


def _revoked(link: AccessLink) -> DeadLink:
    reason = link.revoked_reason
    if reason == RevokeReason.SUPERSEDED:
        return DeadLink(
            "superseded",
            "This link was replaced",
            ("A newer link was sent to you. Please use the most recent email.",),
        )
    if reason == RevokeReason.ACCESS_DISABLED:
        return DeadLink(
            "access_disabled",
            "Portal access is turned off",
            ("Portal access is turned off for this account.",),
            suggest_sign_in=False,
        )
    if reason == RevokeReason.TOO_MANY_DOB_FAILURES:
        return DeadLink(
            "dob_failures",
            "This link was cancelled",
            (
                "This link was cancelled after too many attempts to confirm your date of birth.",
                "Ask the practice to check the date of birth they have on file and send you "
                "a new link.",
            ),
            suggest_sign_in=False,
        )
    if reason == RevokeReason.EMAIL_CHANGED:
        return DeadLink(
            "email_changed",
            "This link was cancelled",
            (
                "This link was cancelled because the email address on file was changed.",
                "A new link goes to the new address when the practice sends one.",
            ),
        )
    if reason == RevokeReason.PASSWORD_CHANGED:
        return DeadLink(
            "password_changed",
            "This link was cancelled",
            ("This link was cancelled because the password was changed since it was sent.",),
        )
    return DeadLink("revoked", "This link was cancelled", ("This link was cancelled.",))


def dead_link_response(request: HttpRequest, link: AccessLink | None) -> HttpResponse:
    """The dead-link page: 404 for an unknown token, 410 for a link that has died."""
    dead = explain_dead_link(link, timezone.now())
    status = 404 if dead.reason == "unknown" else 410
    return render(request, "access/dead_link.html", {"dead": dead}, status=status)
