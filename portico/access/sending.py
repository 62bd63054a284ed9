"""Sending invitation and reset links: one path for every person and every caller.

``send_access_link`` is what the staff buttons, the welcome-email chooser,
"Forgot password?" and (later) the API call, for the client themself and for a
contact alike; bulk invitations build their rows in batches but with the same
``link_email_context`` and ``sent_audit_details``. Each send is one transaction
that locks the person's access row first (``limits.check_send_allowance``), so
the resend limit holds under concurrent requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from portico.access.limits import (
    SendAllowance,
    check_send_allowance,
    person_links,
    refusal_message,
)
from portico.access.links import CLIENT_PURPOSES, issue_link, revoke_live_links
from portico.access.models import AccessLink, LinkPurpose, PortalAccess, RevokeReason
from portico.access.queries import contact_access, default_address, own_access
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.outbox import queue_email

INVITE_URL_NAME = "access:welcome_link"
RESET_URL_NAME = "portal:reset_link"


class AccessRefused(Exception):
    """The action cannot be done now; ``message`` says why, in words for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SendLimitReached(AccessRefused):
    def __init__(self, message: str, allowance: SendAllowance) -> None:
        super().__init__(message)
        self.allowance = allowance


@dataclass(frozen=True)
class SentLink:
    kind: str  # "invite" | "reset"
    link: AccessLink
    email: OutboundEmail
    sends_left: int


def person_name(access: PortalAccess) -> str:
    """How staff messages name the person: a contact's full name, the client's greeting name."""
    return access.contact.full_name if access.contact else access.client.greeting_name


def link_email_context(
    access: PortalAccess | None, token: str, link: AccessLink, *, account: User | None = None
) -> dict[str, Any]:
    """What an invitation or reset email shows (also used by bulk invitations)."""
    practice = link.practice
    invite = link.purpose == LinkPurpose.CLIENT_INVITE
    if access is None:
        greeting = (account.first_name or account.username) if account else ""
    else:
        greeting = access.contact.greeting_name if access.contact else access.client.greeting_name
    context: dict[str, Any] = {
        "greeting_name": greeting,
        "practice_name": practice.name,
        "link": practice_url(practice, INVITE_URL_NAME if invite else RESET_URL_NAME, token),
        "link_expires": link.expires_at,
        "practice_phone": practice.phone,
        "practice_email": practice.email,
    }
    if account is not None:
        context["username"] = account.username
    return context


def sent_audit_details(
    access: PortalAccess | None, link: AccessLink, sends_left: int
) -> dict[str, Any]:
    """The audit details of one sent link (also used by bulk invitations)."""
    details: dict[str, Any] = {
        "email": link.email,
        "link_id": link.pk,
        "expires_at": link.expires_at.isoformat(),
        "sends_left": sends_left,
    }
    if access is not None and access.contact is not None:
        details |= {
            "contact": str(access.contact.public_id),
            "contact_name": access.contact.full_name,
        }
    return details


def sent_action(purpose: str, *, resent: bool) -> Action:
    if purpose == LinkPurpose.CLIENT_INVITE:
        return Action.INVITE_RESENT if resent else Action.INVITE_SENT
    return Action.RESET_RESENT if resent else Action.RESET_SENT


def current_access(access: PortalAccess) -> PortalAccess:
    """The person's current row, read again (a concurrent send may have given a new one)."""
    current = contact_access(access.contact) if access.contact else own_access(access.client)
    return current or access


@transaction.atomic
def send_access_link(
    access: PortalAccess, *, purpose: LinkPurpose, by: Actor, to: str | None = None
) -> SentLink:
    """Send (or resend) an invitation or a reset link to the person behind ``access``.

    An invitation to someone who already has an account would make a second
    identity for the same person: a reset link goes instead (``SentLink.kind``
    says so). A contact whose access was ended gets a new access row, given
    with this invitation. Refusals raise ``AccessRefused`` with words for staff.
    """
    at = timezone.now()
    allowance = check_send_allowance(access, at)  # locks the access row
    if not allowance.allowed and allowance.next_available_at is not None:
        message = refusal_message(
            access.practice, person_name(access), allowance.next_available_at, at
        )
        raise SendLimitReached(message, allowance)
    access = current_access(access)
    to = to or _address(access, purpose)
    account = _check_sendable(access, purpose=purpose, to=to)
    if account is not None:
        purpose = LinkPurpose.PASSWORD_RESET
    elif access.ended_at is not None:
        access = _give_again(access, at=at)
    return _issue_and_queue(
        access, purpose=purpose, to=to, by=by, account=account, sends_left=allowance.sends_left - 1
    )


def _address(access: PortalAccess, purpose: str) -> str:
    """The address on file: the contact's, or the client's default (a reset may fall back
    to the account's own address)."""
    if access.contact is not None:
        access.contact.refresh_from_db(fields=["email", "removed_at"])
        return access.contact.email
    address = default_address(access.client)
    if not address and purpose == LinkPurpose.PASSWORD_RESET and access.user is not None:
        return access.user.email
    return address or ""


def _check_sendable(access: PortalAccess, *, purpose: str, to: str) -> User | None:
    """The account the link is for (None: an invitation); refuses what cannot be sent."""
    contact, name = access.contact, person_name(access)
    if contact is not None and contact.removed_at is not None:
        raise AccessRefused(f"{name} is no longer one of {access.client.full_name}'s people.")
    if not access.enabled:
        where = " in People" if contact else ""
        raise AccessRefused(f"Portal access is turned off for {name}. Turn it on{where} first.")
    if not to:
        hint = "Add one in People first." if contact else "Add one, or set a temporary password."
        raise AccessRefused(f"{name} has no email address. {hint}")
    account = access.user if access.ended_at is None else None
    if account is not None:
        account.refresh_from_db(fields=["is_active", "email", "username"])
        if not account.is_active:
            raise AccessRefused("This portal account is disabled. Enable access first.")
    elif purpose == LinkPurpose.PASSWORD_RESET:
        raise AccessRefused(f"{name} has not set up a portal account yet. Send the invitation.")
    return account


def _give_again(ended: PortalAccess, *, at: datetime) -> PortalAccess:
    """A new row for a contact whose access ended: the invitation gives access back."""
    return PortalAccess.objects.create(
        practice_id=ended.practice_id,
        client=ended.client,
        contact=ended.contact,
        enabled=True,
        created_at=at,
    )


def _issue_and_queue(
    access: PortalAccess,
    *,
    purpose: LinkPurpose,
    to: str,
    by: Actor,
    account: User | None,
    sends_left: int,
) -> SentLink:
    practice = access.practice
    invite = purpose == LinkPurpose.CLIENT_INVITE
    resent = person_links(access).filter(purpose=purpose).exists()
    issued = issue_link(
        practice,
        purpose=purpose,
        email=to,
        lifetime=practice.invite_lifetime if invite else practice.reset_lifetime,
        created_by=by.user,
        subject=access,
    )
    if account is not None:  # links issued to the account itself (a parent's own reset)
        revoke_live_links(
            AccessLink.objects.filter(practice=practice, user=account, purpose__in=CLIENT_PURPOSES),
            reason=RevokeReason.SUPERSEDED,
        )
    email = queue_email(
        practice=practice,
        kind=EmailKind.INVITE if invite else EmailKind.PASSWORD_RESET,
        to=to,
        context=link_email_context(access, issued.token, issued.link, account=account),
        client=access.client,
        link=issued.link,
    )
    record(
        sent_action(purpose, resent=resent),
        practice=practice,
        actor=by,
        client=access.client,
        subject_user=account,
        details=sent_audit_details(access, issued.link, sends_left),
    )
    return SentLink(
        kind="invite" if invite else "reset", link=issued.link, email=email, sends_left=sends_left
    )


@transaction.atomic
def send_account_reset(account: User, *, by: Actor) -> SentLink:
    """A reset link for a portal account that acts only for others (a parent, a guardian).

    The link belongs to the account (no access row); the resend limit counts per account.
    """
    at = timezone.now()
    allowance = check_send_allowance(account, at)  # locks the account row
    if not allowance.allowed:
        raise SendLimitReached("Too many emails were sent to this account today.", allowance)
    account.refresh_from_db()
    if not PortalAccess.objects.filter(user=account, ended_at=None).exists():
        raise AccessRefused("This account is not linked to any client.")
    if not account.is_active:
        raise AccessRefused("Portal access is turned off for this account.")
    if not account.email:
        raise AccessRefused("This account has no email address.")
    practice = account.practice
    issued = issue_link(
        practice,
        purpose=LinkPurpose.PASSWORD_RESET,
        email=account.email,
        lifetime=practice.reset_lifetime,
        created_by=by.user,
        subject=account,
    )
    email = queue_email(
        practice=practice,
        kind=EmailKind.PASSWORD_RESET,
        to=account.email,
        context=link_email_context(None, issued.token, issued.link, account=account),
        link=issued.link,
    )
    sends_left = allowance.sends_left - 1
    record(
        Action.RESET_SENT,
        practice=practice,
        actor=by,
        subject_user=account,
        details=sent_audit_details(None, issued.link, sends_left),
    )
    return SentLink(kind="reset", link=issued.link, email=email, sends_left=sends_left)
