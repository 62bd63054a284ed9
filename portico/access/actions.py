"""Writes on portal access: giving and ending it, switches, passwords, unlock, and sends.

Every action is one transaction, takes model objects and ``by: Actor``, and is
audited. Whoever the person is (the client themself or a contact), the action
works on their ``PortalAccess`` row; sending goes through ``sending.send_access_link``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import pgettext

from portico.access.limits import lock_access
from portico.access.links import CLIENT_PURPOSES, links_of, revoke_live_links
from portico.access.models import AccessLink, LinkPurpose, PortalAccess, RevokeReason
from portico.access.queries import (
    client_of_account,
    contact_access,
    default_address,
    own_access,
)
from portico.access.sending import (
    AccessRefused,
    AddressNotOnFile,
    SelfServiceLimitReached,
    SendLimitReached,
    SentLink,
    send_access_link,
    send_account_reset,
)
from portico.accounts.lockout import unlock_user
from portico.accounts.models import User, UserKind
from portico.accounts.passwords import store_password
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client, Contact

__all__ = [
    "AccessRefused",
    "AddressNotOnFile",
    "SelfServiceLimitReached",
    "SendLimitReached",
    "SentLink",
    "disable_portal_access",
    "enable_portal_access",
    "EndedAccess",
    "end_access",
    "give_access",
    "send_contact_invite",
    "send_invite",
    "send_password_reset",
    "set_temporary_password",
    "unlock_portal_account",
]

TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=72)
# No look-alikes (0/o, 1/l/i): the password is read out over the phone.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


# --- giving access ------------------------------------------------------------------------


def give_access(client: Client, *, contact: Contact | None = None, at: datetime) -> PortalAccess:
    """The person's access row, created switched on (or switched on again) when access is given.

    A contact whose access ended keeps the ended row (switched on again, so staff
    may send a new invitation, which gives a new row); call inside a transaction.
    """
    current = contact_access(contact) if contact is not None else own_access(client)
    if current is not None:
        if not current.enabled:
            PortalAccess.objects.filter(pk=current.pk).update(enabled=True)
            current.enabled = True
        return current
    return PortalAccess.objects.create(
        practice_id=client.practice_id, client=client, contact=contact, created_at=at
    )


def _own_access_or_refuse(client: Client) -> PortalAccess:
    access = own_access(client)
    if access is None:
        raise AccessRefused(
            pgettext("staff", "Portal access is turned off for %(name)s. Turn it on first.")
            % {"name": client.greeting_name}
        )
    return access


# --- sending (the one path, for each kind of caller) --------------------------------------


def send_invite(client: Client, *, by: Actor, email: str | None = None) -> SentLink:
    """Send (or resend) the client's invitation to the default address, or ``email``.

    When the client already has an account, a reset link goes instead.
    """
    return send_access_link(
        _own_access_or_refuse(client), purpose=LinkPurpose.CLIENT_INVITE, by=by, to=email
    )


# The seeds' "Reset password and resend welcome email": the same decision as above.
reset_password_and_resend_welcome = send_invite


def send_contact_invite(contact: Contact, *, by: Actor) -> SentLink:
    """Send (or resend) the contact their own invitation for this client."""
    access = contact_access(contact)
    if access is None:
        raise AccessRefused(
            pgettext(
                "staff", "Portal access is turned off for %(name)s. Turn it on in People first."
            )
            % {"name": contact.full_name}
        )
    return send_access_link(access, purpose=LinkPurpose.CLIENT_INVITE, by=by)


def send_password_reset(
    subject: Client | User, *, by: Actor, self_service: bool = False
) -> SentLink:
    """A reset link for the client's account, or for the given portal account.

    Staff sends count toward the staff allowance. ``self_service=True`` is
    "Forgot password?": it counts toward the person's own self-service budget
    instead (``SelfServiceLimitReached`` when spent) and never toward what staff
    can send; callers that must not reveal anything catch ``AccessRefused`` and
    answer as usual. The link goes to the client's default address (a guardian
    account's own contact address), never anywhere else.
    """
    if isinstance(subject, User):
        client = client_of_account(subject)
        if client is None:  # a parent's account, acting for others only
            return send_account_reset(subject, by=by, self_service=self_service)
        subject = client
    access = _own_access_or_refuse(subject)
    return send_access_link(
        access, purpose=LinkPurpose.PASSWORD_RESET, by=by, self_service=self_service
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


def create_portal_account(access: PortalAccess, *, username: str, email: str) -> User:
    """A portal account for the person behind ``access``, held by it (no password yet)."""
    person = access.contact or access.client
    user = User(
        practice_id=access.practice_id,
        kind=UserKind.PORTAL,
        username=username,
        email=email,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    user.set_unusable_password()
    user.save()
    PortalAccess.objects.filter(pk=access.pk).update(user=user)
    access.user = user
    return user


@transaction.atomic
def set_temporary_password(client: Client, *, by: Actor, password: str | None = None) -> str:
    """Set a password for the client (generated, or ``password`` if it passes the policy).

    Returns it to show once; it is never emailed or stored in clear. It stops
    working after 72 h unused and must be changed at the next sign-in. Creates the
    account when there is none; ends sessions and cancels emailed links.
    """
    at = timezone.now()
    access = own_access(client)
    if access is not None:
        lock_access(access)
        access.refresh_from_db()
    if access is None or not access.enabled:
        raise AccessRefused(
            pgettext("staff", "Portal access is turned off for this client. Enable it first.")
        )
    account, created = access.user, access.user is None
    if account is None:
        name = free_username(client.practice_id, client.first_name, client.last_name)
        account = create_portal_account(access, username=name, email=default_address(client) or "")
    if password is None:
        password = generate_temporary_password()
    validate_password(password, account)  # ValidationError for a typed one that fails
    store_password(account, password=password, temporary_until=at + TEMPORARY_PASSWORD_LIFETIME)
    revoked = revoke_live_links(
        links_of(access).filter(purpose__in=CLIENT_PURPOSES),
        reason=RevokeReason.PASSWORD_CHANGED,
        at=at,
    )
    record(
        Action.TEMPORARY_PASSWORD_SET,
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


# --- switches -----------------------------------------------------------------------------


@transaction.atomic
def disable_portal_access(client: Client, *, by: Actor) -> None:
    """No sign-in even with the right password; every session ends; every live link dies."""
    at = timezone.now()
    access = own_access(client) or give_access(client, at=at)
    lock_access(access)
    PortalAccess.objects.filter(pk=access.pk).update(enabled=False)
    access.enabled = False
    account = access.user
    if account is not None:
        User.objects.filter(pk=account.pk).update(
            is_active=False, session_generation=F("session_generation") + 1
        )
        account.refresh_from_db(fields=["is_active", "session_generation"])
    # The client's own links and the account's; each contact's access is their own.
    links = links_of(access)
    if account is not None:
        links = links | AccessLink.objects.filter(practice_id=client.practice_id, user=account)
    revoked = revoke_live_links(links, reason=RevokeReason.ACCESS_DISABLED, at=at)
    record(
        Action.ACCESS_DISABLED,
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"username": account.username if account else "", "links_revoked": revoked},
    )


@transaction.atomic
def enable_portal_access(client: Client, *, by: Actor) -> None:
    """Allow sign-in again (links revoked on disable stay dead: send a new one)."""
    access = give_access(client, at=timezone.now())
    lock_access(access)
    account = access.user
    if account is not None:
        User.objects.filter(pk=account.pk).update(is_active=True)
        account.is_active = True
    record(
        Action.ACCESS_ENABLED,
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"username": account.username if account else ""},
    )


@dataclass(frozen=True)
class EndedAccess:
    links_revoked: int
    grant_ended: bool  # an account lost this client


@transaction.atomic
def end_access(access: PortalAccess, *, by: Actor, reason: RevokeReason) -> EndedAccess:
    """End a contact's access to THIS client: their live links and the row.

    ``reason`` says why (REVOKED_BY_STAFF, ACCESS_DISABLED, CONTACT_REMOVED); it is
    kept on the row, on the revoked links and in the audit log. The account and its
    access to other clients keep working; the portal checks the row on every
    request, so an open session loses this client at once.
    """
    at = timezone.now()
    lock_access(access)
    access.refresh_from_db(fields=["ended_at", "user", "enabled"])
    revoked = revoke_live_links(links_of(access), reason=reason, at=at)
    ended = PortalAccess.objects.filter(pk=access.pk, ended_at=None).update(
        ended_at=at, ended_reason=reason
    )
    had_account = bool(ended and access.user_id)
    contact = access.contact
    record(
        Action.CONTACT_ACCESS_ENDED,
        practice=access.practice,
        actor=by,
        client=access.client,
        subject_user=access.user,
        details={
            "contact": str(contact.public_id) if contact else "",
            "contact_name": contact.full_name if contact else "",
            "reason": str(reason),
            "links_revoked": revoked,
            "grant_ended": had_account,
        },
    )
    if ended:
        access.ended_at, access.ended_reason = at, reason
    return EndedAccess(links_revoked=revoked, grant_ended=had_account)


@transaction.atomic
def unlock_portal_account(client: Client, *, by: Actor) -> bool:
    """Lift the sign-in lock of the client's account; False if there was nothing to unlock."""
    access = own_access(client)
    if access is None or access.user is None:
        raise AccessRefused(
            pgettext("staff", "%(name)s has no portal account to unlock.")
            % {"name": client.greeting_name}
        )
    return unlock_user(access.user, by=by, client=client)
