"""Staff actions on a client's portal access: invitations, resets, passwords, on/off, unlock.

Every action is one transaction, takes model objects and ``by: Actor``, and is
audited. Sends lock the client row first (``limits.check_send_allowance``), so the
resend limit holds under concurrent requests from the staff app and the API.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from portico.access.limits import (
    SendAllowance,
    check_account_send_allowance,
    check_send_allowance,
    lock_client,
)
from portico.access.links import CLIENT_PURPOSES, issue_link, links_for_subject, revoke_live_links
from portico.access.models import (
    AccessLink,
    GrantRelationship,
    LinkPurpose,
    PortalGrant,
    RevokeReason,
)
from portico.access.queries import client_of_account, default_address, portal_account_for
from portico.accounts.lockout import unlock_user
from portico.accounts.models import User, UserKind
from portico.accounts.passwords import store_password
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Client
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.outbox import queue_email

INVITE_URL_NAME = "access:welcome_link"
RESET_URL_NAME = "portal:reset_link"
TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=72)
# No look-alikes (0/o, 1/l/i): the password is read out over the phone.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


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


# --- sending ------------------------------------------------------------------------------


def _require_allowance(client: Client, at: datetime) -> SendAllowance:
    from portico.access.limits import refusal_message

    allowance = check_send_allowance(client, at)  # locks the client row
    if not allowance.allowed:
        raise SendLimitReached(refusal_message(client, allowance, at), allowance)
    return allowance


def link_email_context(
    client: Client, token: str, link: AccessLink, *, user: User | None = None
) -> dict[str, Any]:
    """What an invitation or reset email to the client shows (also used by bulk invites)."""
    practice = client.practice
    invite = link.purpose == LinkPurpose.CLIENT_INVITE
    context: dict[str, Any] = {
        "greeting_name": client.greeting_name,
        "practice_name": practice.name,
        "link": practice_url(practice, INVITE_URL_NAME if invite else RESET_URL_NAME, token),
        "link_expires": link.expires_at,
        "practice_phone": practice.phone,
        "practice_email": practice.email,
    }
    if user is not None:
        context["username"] = user.username
    return context


def _send(
    client: Client,
    *,
    purpose: LinkPurpose,
    to: str,
    by: Actor,
    user: User | None,
    at: datetime,
    allowance: SendAllowance,
) -> SentLink:
    practice = client.practice
    invite = purpose == LinkPurpose.CLIENT_INVITE
    lifetime = practice.invite_lifetime if invite else practice.reset_lifetime
    earlier = links_for_subject(practice, client=client).filter(purpose=purpose).exists()
    issued = issue_link(
        practice,
        purpose=purpose,
        email=to,
        lifetime=lifetime,
        created_by=by.user,
        client=client,
        user=user,
    )
    if user is not None:  # links issued to the account before it had a client
        revoke_live_links(
            AccessLink.objects.filter(
                practice=practice, user=user, purpose__in=CLIENT_PURPOSES
            ).exclude(pk=issued.link.pk),
            reason=RevokeReason.SUPERSEDED,
            at=at,
        )
    email = queue_email(
        practice=practice,
        kind=EmailKind.INVITE if invite else EmailKind.PASSWORD_RESET,
        to=to,
        context=link_email_context(client, issued.token, issued.link, user=user),
        client=client,
        link=issued.link,
    )
    action = ("access.invite." if invite else "access.reset.") + ("resent" if earlier else "sent")
    record(
        action,
        practice=practice,
        actor=by,
        client=client,
        subject_user=user,
        details={
            "email": to,
            "link_id": issued.link.pk,
            "expires_at": issued.link.expires_at.isoformat(),
            "sends_left": allowance.sends_left - 1,
        },
    )
    return SentLink(
        kind="invite" if invite else "reset",
        link=issued.link,
        email=email,
        sends_left=allowance.sends_left - 1,
    )


@transaction.atomic
def send_invite(client: Client, *, by: Actor, email: str | None = None) -> SentLink:
    """Send (or resend) the portal invitation to the default address, or ``email``.

    When the client already has an account, an invitation would make a second
    identity for the same person: a password-reset link goes out instead, and
    ``SentLink.kind`` says so, for the message to staff.
    """
    at = timezone.now()
    allowance = _require_allowance(client, at)
    client.refresh_from_db(fields=["portal_access_enabled"])
    if not client.portal_access_enabled:
        raise AccessRefused(
            f"Portal access is turned off for {client.greeting_name}. Turn it on first."
        )
    to = email or default_address(client)
    if not to:
        raise AccessRefused(
            f"{client.greeting_name} has no email address. Add one, or set a temporary password."
        )
    account = portal_account_for(client)
    if account is not None:
        if not account.is_active:
            raise AccessRefused("This portal account is disabled. Enable access first.")
        return _send(
            client,
            purpose=LinkPurpose.PASSWORD_RESET,
            to=to,
            by=by,
            user=account,
            at=at,
            allowance=allowance,
        )
    return _send(
        client,
        purpose=LinkPurpose.CLIENT_INVITE,
        to=to,
        by=by,
        user=None,
        at=at,
        allowance=allowance,
    )


# The seeds' "Reset password and resend welcome email": the same decision as above.
reset_password_and_resend_welcome = send_invite


@transaction.atomic
def send_password_reset(subject: Client | User, *, by: Actor) -> SentLink:
    """Email a password-reset link for the client's account (or the given portal account).

    Also used by self-service "Forgot password?": callers that must not reveal
    anything catch ``AccessRefused`` and answer as usual.
    """
    at = timezone.now()
    if isinstance(subject, User):
        account: User | None = subject
        client = client_of_account(subject)
        if client is None:
            # A guardian's account: not anyone's "self", acting for clients as a contact.
            return _send_account_reset(subject, by=by, at=at)
    else:
        client = subject
        account = None
    allowance = _require_allowance(client, at)
    if account is None:
        account = portal_account_for(client)
    else:
        account.refresh_from_db()
    client.refresh_from_db(fields=["portal_access_enabled"])
    if account is None:
        raise AccessRefused(
            f"{client.greeting_name} has not set up a portal account yet. Send the invitation."
        )
    if not account.is_active or not client.portal_access_enabled:
        raise AccessRefused("Portal access is turned off for this client. Enable it first.")
    to = default_address(client) or account.email
    if not to:
        raise AccessRefused(f"{client.greeting_name} has no email address. Add one first.")
    return _send(
        client,
        purpose=LinkPurpose.PASSWORD_RESET,
        to=to,
        by=by,
        user=account,
        at=at,
        allowance=allowance,
    )


def _send_account_reset(account: User, *, by: Actor, at: datetime) -> SentLink:
    """A reset link for a portal account that holds only contact grants (a parent, a guardian).

    The link belongs to the account (no client); the resend limit counts per account.
    """
    practice = account.practice
    allowance = check_account_send_allowance(account, at)  # locks the account row
    if not allowance.allowed:
        raise SendLimitReached("Too many emails were sent to this account today.", allowance)
    account.refresh_from_db()
    has_grant = PortalGrant.objects.filter(
        user=account, revoked_at__isnull=True, relationship=GrantRelationship.CONTACT
    ).exists()
    if not has_grant:
        raise AccessRefused("This account is not linked to any client.")
    if not account.is_active:
        raise AccessRefused("Portal access is turned off for this account.")
    if not account.email:
        raise AccessRefused("This account has no email address.")
    issued = issue_link(
        practice,
        purpose=LinkPurpose.PASSWORD_RESET,
        email=account.email,
        lifetime=practice.reset_lifetime,
        created_by=by.user,
        user=account,
    )
    email = queue_email(
        practice=practice,
        kind=EmailKind.PASSWORD_RESET,
        to=account.email,
        context={
            "greeting_name": account.first_name or account.username,
            "link": practice_url(practice, RESET_URL_NAME, issued.token),
            "link_expires": issued.link.expires_at,
            "username": account.username,
        },
        link=issued.link,
    )
    record(
        "access.reset.sent",
        practice=practice,
        actor=by,
        subject_user=account,
        details={
            "email": account.email,
            "link_id": issued.link.pk,
            "expires_at": issued.link.expires_at.isoformat(),
            "sends_left": allowance.sends_left - 1,
        },
    )
    return SentLink(
        kind="reset", link=issued.link, email=email, sends_left=allowance.sends_left - 1
    )


# --- accounts -----------------------------------------------------------------------------


def generate_temporary_password() -> str:
    """Four groups of four from a look-alike-free alphabet: about 79 bits, easy to read out."""
    groups = ("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def free_username(practice_id: int, first_name: str, last_name: str) -> str:
    """ "casey.client", or "casey.client2" when taken (unique per practice, any case)."""
    raw = f"{first_name}.{last_name}".lower()
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9.]+", "", ascii_name).strip(".")[:140] or "client"
    taken = set(
        User.objects.filter(practice_id=practice_id, kind=UserKind.PORTAL)
        .annotate(u=Lower("username"))
        .filter(u__startswith=base)
        .values_list("u", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def create_portal_account(client: Client, *, username: str, email: str, at: datetime) -> User:
    """The client's own portal account and its "self" grant (no password yet)."""
    user = User(
        practice_id=client.practice_id,
        kind=UserKind.PORTAL,
        username=username,
        email=email,
        first_name=client.first_name,
        last_name=client.last_name,
    )
    user.set_unusable_password()
    user.save()
    PortalGrant.objects.create(
        practice_id=client.practice_id,
        user=user,
        client=client,
        relationship="self",
        created_at=at,
    )
    return user


@transaction.atomic
def set_temporary_password(client: Client, *, by: Actor, password: str | None = None) -> str:
    """Set a password for the client (generated, or ``password`` if it passes the policy).

    Returns it to show once; it is never emailed or stored in clear. It stops
    working after 72 h unused and must be changed at the next sign-in. Creates the
    account when there is none; ends sessions and cancels emailed links.
    """
    at = timezone.now()
    lock_client(client)
    client.refresh_from_db(fields=["portal_access_enabled"])
    if not client.portal_access_enabled:
        raise AccessRefused("Portal access is turned off for this client. Enable it first.")
    account = portal_account_for(client)
    created = account is None
    if account is None:
        account = create_portal_account(
            client,
            username=free_username(client.practice_id, client.first_name, client.last_name),
            email=default_address(client) or "",
            at=at,
        )
    if password is None:
        password = generate_temporary_password()
    validate_password(password, account)  # ValidationError for a typed one that fails
    store_password(account, password=password, temporary_until=at + TEMPORARY_PASSWORD_LIFETIME)
    revoked = revoke_live_links(
        links_for_subject(client.practice, client=client).filter(purpose__in=CLIENT_PURPOSES),
        reason=RevokeReason.PASSWORD_CHANGED,
        at=at,
    )
    record(
        "access.temporary_password.set",
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={
            "username": account.username,
            "account_created": created,
            "expires_at": (at + TEMPORARY_PASSWORD_LIFETIME).isoformat(),
            "links_revoked": revoked,
        },
    )
    return password


@transaction.atomic
def disable_portal_access(client: Client, *, by: Actor) -> None:
    """No sign-in even with the right password; every session ends; every live link dies."""
    at = timezone.now()
    lock_client(client)
    Client.objects.filter(pk=client.pk).update(portal_access_enabled=False)
    client.portal_access_enabled = False
    account = portal_account_for(client)
    if account is not None:
        User.objects.filter(pk=account.pk).update(
            is_active=False, session_generation=F("session_generation") + 1
        )
        account.refresh_from_db(fields=["is_active", "session_generation"])
    # The client's own links; each contact's access is their own (ended with the contact's).
    links = AccessLink.objects.filter(
        practice_id=client.practice_id, client=client, contact__isnull=True
    )
    if account is not None:
        links = links | AccessLink.objects.filter(practice_id=client.practice_id, user=account)
    revoked = revoke_live_links(links, reason=RevokeReason.ACCESS_DISABLED, at=at)
    record(
        "access.disabled",
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"username": account.username if account else "", "links_revoked": revoked},
    )


@transaction.atomic
def enable_portal_access(client: Client, *, by: Actor) -> None:
    """Allow sign-in again (links revoked on disable stay dead: send a new one)."""
    lock_client(client)
    Client.objects.filter(pk=client.pk).update(portal_access_enabled=True)
    client.portal_access_enabled = True
    account = portal_account_for(client)
    if account is not None:
        User.objects.filter(pk=account.pk).update(is_active=True)
        account.is_active = True
    record(
        "access.enabled",
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"username": account.username if account else ""},
    )


@transaction.atomic
def unlock_portal_account(client: Client, *, by: Actor) -> bool:
    """Lift the sign-in lock of the client's account; False if there was nothing to unlock."""
    account = portal_account_for(client)
    if account is None:
        raise AccessRefused(f"{client.greeting_name} has no portal account to unlock.")
    return unlock_user(account, by=by, client=client)
