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
from django.utils.translation import gettext as _

from portico.access.links import is_live
from portico.access.models import AccessLink, RevokeReason
from portico.lib.localtime import day_and_time


def _unknown() -> str:
    return _("This link is not valid. It may be mistyped or incomplete.")


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
        return DeadLink("unknown", _("This link does not work"), (_unknown(),))
    if link.used_at is not None:
        return DeadLink(
            "used",
            _("This link was already used"),
            (_("This link was already used. If you set up your account, sign in."),),
        )
    if link.revoked_at is not None:
        return _revoked(link)
    expired_on = day_and_time(link.practice, link.expires_at)
    return DeadLink(
        "expired",
        _("This link has expired"),
        (_("This link expired on %(day)s.") % {"day": expired_on},),
    )


def _revoked(link: AccessLink) -> DeadLink:
    reason = link.revoked_reason
    if reason == RevokeReason.SUPERSEDED:
        return DeadLink(
            "superseded",
            _("This link was replaced"),
            (_("A newer link was sent to you. Please use the most recent email."),),
        )
    if reason == RevokeReason.ACCESS_DISABLED:
        return DeadLink(
            "access_disabled",
            _("Portal access is turned off"),
            (_("Portal access is turned off for this account."),),
            suggest_sign_in=False,
        )
    if reason == RevokeReason.TOO_MANY_DOB_FAILURES:
        return DeadLink(
            "dob_failures",
            _("This link was cancelled"),
            (
                _("This link was cancelled after too many attempts to confirm your date of birth."),
                _(
                    "Ask the practice to check the date of birth they have on file and send "
                    "you a new link."
                ),
            ),
            suggest_sign_in=False,
        )
    if reason == RevokeReason.EMAIL_CHANGED:
        return DeadLink(
            "email_changed",
            _("This link was cancelled"),
            (
                _("This link was cancelled because the email address on file was changed."),
                _("A new link goes to the new address when the practice sends one."),
            ),
        )
    if reason == RevokeReason.PASSWORD_CHANGED:
        return DeadLink(
            "password_changed",
            _("This link was cancelled"),
            (_("This link was cancelled because the password was changed since it was sent."),),
        )
    return DeadLink("revoked", _("This link was cancelled"), (_("This link was cancelled."),))


def dead_link_response(request: HttpRequest, link: AccessLink | None) -> HttpResponse:
    """The dead-link page: 404 for an unknown token, 410 for a link that has died."""
    from portico.portal.language import speaking_to_link_person

    with speaking_to_link_person(request, link):
        dead = explain_dead_link(link, timezone.now())
        status = 404 if dead.reason == "unknown" else 410
        return render(request, "access/dead_link.html", {"dead": dead}, status=status)
