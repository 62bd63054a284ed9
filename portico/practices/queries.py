"""Reads for practice settings and staff."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import pgettext

from portico.access.links import find_link, is_live
from portico.access.models import AccessLink, LinkPurpose, RevokeReason
from portico.accounts.models import User, UserKind
from portico.lib.localtime import day_and_time
from portico.practices.models import Practice


def staff_of(practice: Practice) -> QuerySet[User]:
    """The practice's staff, with their roles, in one query."""
    return (
        User.objects.filter(practice=practice, kind=UserKind.STAFF)
        .select_related("membership")
        .order_by("-is_active", "first_name", "last_name", "pk")
    )


def get_staff_member_for_staff(request_user: User, practice: Practice, user_id: int) -> User:
    """A staff member of ``practice``; 404 for anyone else's (or a portal user's) id."""
    member = staff_of(practice).filter(pk=user_id).first()
    if member is None or request_user.practice_id != practice.pk:
        raise Http404
    return member


def pending_staff_invites(practice: Practice) -> dict[int, AccessLink]:
    """The newest staff invitation of each invited user, keyed by user id."""
    newest: dict[int, AccessLink] = {}
    links = AccessLink.objects.filter(practice=practice, purpose=LinkPurpose.STAFF_INVITE).order_by(
        "user_id", "-created_at", "-id"
    )
    for link in links:
        if link.user_id is not None and link.user_id not in newest:
            newest[link.user_id] = link
    return newest


def find_staff_invite(practice: Practice, token: str) -> AccessLink | None:
    return find_link(practice, token, purposes=(LinkPurpose.STAFF_INVITE,))


def staff_invite_problem(link: AccessLink | None, *, refresh: bool = False) -> str:
    """Why a staff invitation cannot be used, in a sentence; "" while it is live.

    An unknown token and another practice's token are both None: the same words.
    """
    if link is not None and refresh:
        link.refresh_from_db()
    if link is None:
        return pgettext(
            "staff", "This invitation link is not valid. It may be mistyped or incomplete."
        )
    if is_live(link):
        if link.user is None or not link.user.is_active:
            return pgettext("staff", "This staff account has been deactivated.")
        return ""
    if link.used_at is not None:
        return pgettext(
            "staff", "This invitation was already used. If you set your password, sign in."
        )
    if link.revoked_at is not None:
        if link.revoked_reason == RevokeReason.SUPERSEDED:
            return pgettext(
                "staff", "A newer invitation was sent to you. Please use the most recent email."
            )
        return pgettext("staff", "This invitation was cancelled.")
    return pgettext("staff", "This invitation expired on %(when)s.") % {
        "when": day_and_time(link.practice, link.expires_at)
    }
