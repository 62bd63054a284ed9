"""Staff actions on a client's portal access: invitations, resets, passwords, on/off, unlock.

Every action is one transaction, takes model objects and ``by: Actor``, and is
audited. Sends lock the client row first (``limits.check_send_allowance``), so the
resend limit holds under concurrent requests from the staff app and the API.

A link goes only to an address on file for that person (one of the client's
addresses; a guardian account's own contact address): ``_send`` and
``_send_account_reset`` check it, whoever calls them, so no caller can redirect
a link by passing another address. A refused address is audited even though the
send's transaction rolls back.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from portico.access.limits import (
    SelfServiceBudget,
    SendAllowance,
    check_account_self_service_budget,
    check_account_send_allowance,
    check_self_service_budget,
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
from portico.clients.emails import normalize_email
from portico.clients.models import Client, ClientEmail
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


class SelfServiceLimitReached(AccessRefused):
    """Too many "Forgot password?" emails for this person lately (silent to the visitor)."""

    def __init__(self, message: str, budget: SelfServiceBudget) -> None:
        super().__init__(message)
        self.budget = budget


class AddressNotOnFile(AccessRefused):
    """A link was to go to an address that is not on file for its person."""

    def __init__(
        self, message: str, *, address: str, client: Client | None, account: User | None
    ) -> None:
        super().__init__(message)
        self.address = address
        self.client = client
        self.account = account


@dataclass(frozen=True)
class SentLink:
    kind: str  # "invite" | "reset"
    link: AccessLink
    email: OutboundEmail
    # Left in the budget this send came from: the staff allowance, or for a
    # "Forgot password?" email the self-service budget of the day.
    sends_left: int


# --- addresses on file --------------------------------------------------------------------


def address_key(address: str) -> str:
    """How two spellings of one address compare: normalized, then case-folded.

    Stored addresses are unique per client whatever their case, so case never
    tells two of them apart.
    """
    try:
        return normalize_email(address).casefold()
    except ValidationError:
        return address.strip().casefold()  # never equal to a stored (valid) address


def client_address_on_file(client: Client, address: str) -> str | None:
    """The client's stored address that ``address`` names (any case or spacing), else None."""
    key = address_key(address)
    for stored in ClientEmail.objects.filter(client=client).values_list("address", flat=True):
        if stored.casefold() == key:
            return stored
    return None


def account_address_on_file(account: User) -> str | None:
    """A guardian account's address, if it is the email of a contact it acts as; else None."""
    if not account.email:
        return None
    key = address_key(account.email)
    contacts = PortalGrant.objects.filter(
        user=account,
        relationship=GrantRelationship.CONTACT,
        revoked_at__isnull=True,
        contact__isnull=False,
        contact__removed_at__isnull=True,
    ).values_list("contact__email", flat=True)
    return account.email if any(address_key(e) == key for e in contacts if e) else None


def not_on_file_message(address: str, name: str) -> str:
    return (
        f"{address} is not on file for {name}. Links only go to an address on file: "
        f"add it to {name}'s personal information first (the change is recorded), "
        "then send again."
    )


@transaction.atomic
def _record_address_refusal(refused: AddressNotOnFile, *, by: Actor) -> None:
    """Audit a refused address; runs after the send's own transaction rolled back."""
    subject = refused.client or refused.account
    assert subject is not None  # noqa: S101 (a refusal always names its person)
    record(
        "access.send.refused_address",
        practice=subject.practice,
        actor=by,
        client=refused.client,
        subject_user=refused.account,
        details={"email": refused.address, "reason": "not_on_file"},
    )


# --- sending ------------------------------------------------------------------------------


def _require_allowance(client: Client, at: datetime) -> SendAllowance:
    from portico.access.limits import refusal_message

    allowance = check_send_allowance(client, at)  # locks the client row
    if not allowance.allowed:
        raise SendLimitReached(refusal_message(client, allowance, at), allowance)
    return allowance


def _require_self_service_budget(client: Client, at: datetime) -> SelfServiceBudget:
    budget = check_self_service_budget(client, at)  # locks the client row
    if not budget.allowed:
        raise SelfServiceLimitReached("Too many password reset requests lately.", budget)
    return budget


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
    sends_left: int,
    self_service: bool = False,
) -> SentLink:
    """Issue and email a link to the client. ``to`` must be one of the client's addresses;
    ``sends_left`` is what the budget holds after this send."""
    on_file = client_address_on_file(client, to)
    if on_file is None:
        raise AddressNotOnFile(
            not_on_file_message(to, client.greeting_name), address=to, client=client, account=user
        )
    to = on_file
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
        self_service=self_service,
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
    budget = {"self_service": True} if self_service else {}
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
            "sends_left": sends_left,
            **budget,
        },
    )
    return SentLink(
        kind="invite" if invite else "reset",
        link=issued.link,
        email=email,
        sends_left=sends_left,
    )


def send_invite(client: Client, *, by: Actor, email: str | None = None) -> SentLink:
    """Send (or resend) the portal invitation to the default address, or ``email``.

    ``email`` must be one of the client's addresses on file (any case or
    spacing); any other is refused with ``AddressNotOnFile`` and audited.

    When the client already has an account, an invitation would make a second
    identity for the same person: a password-reset link goes out instead, and
    ``SentLink.kind`` says so, for the message to staff.
    """
    try:
        return _send_invite(client, by=by, email=email)
    except AddressNotOnFile as refused:
        _record_address_refusal(refused, by=by)
        raise


@transaction.atomic
def _send_invite(client: Client, *, by: Actor, email: str | None) -> SentLink:
    at = timezone.now()
    if email and client_address_on_file(client, email) is None:
        # Before the allowance: a redirect attempt is refused and audited even
        # when no send is left. ``_send`` checks again under the client lock.
        raise AddressNotOnFile(
            not_on_file_message(email, client.greeting_name),
            address=email,
            client=client,
            account=portal_account_for(client),
        )
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
    if account is not None and not account.is_active:
        raise AccessRefused("This portal account is disabled. Enable access first.")
    return _send(
        client,
        purpose=LinkPurpose.CLIENT_INVITE if account is None else LinkPurpose.PASSWORD_RESET,
        to=to,
        by=by,
        user=account,
        at=at,
        sends_left=allowance.sends_left - 1,
    )


# The seeds' "Reset password and resend welcome email": the same decision as above.
reset_password_and_resend_welcome = send_invite


def send_password_reset(
    subject: Client | User, *, by: Actor, self_service: bool = False
) -> SentLink:
    """Email a password-reset link for the client's account (or the given portal account).

    Staff sends count toward the staff allowance. ``self_service=True`` is
    "Forgot password?": it counts toward the person's own self-service budget
    instead (``SelfServiceLimitReached`` when spent) and never toward what staff
    can send; callers that must not reveal anything catch ``AccessRefused`` and
    answer as usual. The link goes to the client's default address (a guardian
    account's own contact address), never anywhere else.
    """
    try:
        return _send_password_reset(subject, by=by, self_service=self_service)
    except AddressNotOnFile as refused:
        _record_address_refusal(refused, by=by)
        raise


@transaction.atomic
def _send_password_reset(subject: Client | User, *, by: Actor, self_service: bool) -> SentLink:
    at = timezone.now()
    if isinstance(subject, User):
        account: User | None = subject
        client = client_of_account(subject)
        if client is None:
            # A guardian's account: not anyone's "self", acting for clients as a contact.
            return _send_account_reset(subject, by=by, at=at, self_service=self_service)
    else:
        client = subject
        account = None
    if self_service:
        sends_left = _require_self_service_budget(client, at).left_today - 1
    else:
        sends_left = _require_allowance(client, at).sends_left - 1
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
    # Only the client's address on file: the account's own email may be one
    # that was since removed from the client's record.
    to = default_address(client)
    if not to:
        raise AccessRefused(f"{client.greeting_name} has no email address. Add one first.")
    return _send(
        client,
        purpose=LinkPurpose.PASSWORD_RESET,
        to=to,
        by=by,
        user=account,
        at=at,
        sends_left=sends_left,
        self_service=self_service,
    )


def _send_account_reset(account: User, *, by: Actor, at: datetime, self_service: bool) -> SentLink:
    """A reset link for a portal account that holds only contact grants (a parent, a guardian).

    The link belongs to the account (no client); both budgets count per account.
    It goes to the account's address only while that is the email on file of a
    contact the account acts as.
    """
    practice = account.practice
    if self_service:
        budget = check_account_self_service_budget(account, at)  # locks the account row
        if not budget.allowed:
            raise SelfServiceLimitReached("Too many password reset requests lately.", budget)
        sends_left = budget.left_today - 1
    else:
        allowance = check_account_send_allowance(account, at)  # locks the account row
        if not allowance.allowed:
            raise SendLimitReached("Too many emails were sent to this account today.", allowance)
        sends_left = allowance.sends_left - 1
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
    if account_address_on_file(account) is None:
        name = account.full_name or account.username
        raise AddressNotOnFile(
            not_on_file_message(account.email, name),
            address=account.email,
            client=None,
            account=account,
        )
    issued = issue_link(
        practice,
        purpose=LinkPurpose.PASSWORD_RESET,
        email=account.email,
        lifetime=practice.reset_lifetime,
        created_by=by.user,
        user=account,
        self_service=self_service,
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
            "sends_left": sends_left,
            **({"self_service": True} if self_service else {}),
        },
    )
    return SentLink(kind="reset", link=issued.link, email=email, sends_left=sends_left)


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
