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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from portico.access.limits import (
    SelfServiceBudget,
    SendAllowance,
    check_self_service_budget,
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
from portico.clients.emails import normalize_email
from portico.clients.models import Client
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
    access: PortalAccess | None, link: AccessLink, sends_left: int, *, self_service: bool = False
) -> dict[str, Any]:
    """The audit details of one sent link (also used by bulk invitations)."""
    details: dict[str, Any] = {
        "email": link.email,
        "link_id": link.pk,
        "expires_at": link.expires_at.isoformat(),
        "sends_left": sends_left,
    }
    if self_service:
        details["self_service"] = True
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


def address_on_file(access: PortalAccess, address: str) -> str | None:
    """The person's stored address that ``address`` names (any case or spacing), else None:
    one of the client's addresses, or the contact's own."""
    key = address_key(address)
    if access.contact is not None:
        stored = [access.contact.email] if access.contact.email else []
    else:
        stored = list(access.client.emails.values_list("address", flat=True))
    return next((each for each in stored if each.casefold() == key), None)


def account_address_on_file(account: User) -> str | None:
    """A parent's account address, if it is the email of a contact it acts as; else None."""
    if not account.email:
        return None
    key = address_key(account.email)
    contacts = PortalAccess.objects.filter(
        user=account, ended_at=None, contact__isnull=False, contact__removed_at__isnull=True
    ).values_list("contact__email", flat=True)
    return account.email if any(address_key(e) == key for e in contacts if e) else None


def not_on_file_message(address: str, name: str) -> str:
    return pgettext(
        "staff",
        "%(address)s is not on file for %(name)s. Links only go to an address on file: "
        "add it to %(name)s's personal information first (the change is recorded), "
        "then send again.",
    ) % {"address": address, "name": name}


@transaction.atomic
def _record_address_refusal(refused: AddressNotOnFile, *, by: Actor) -> None:
    """Audit a refused address; runs after the send's own transaction rolled back."""
    subject = refused.client or refused.account
    if subject is None:  # a refusal always names its person
        return
    record(
        Action.SEND_REFUSED_ADDRESS,
        practice=subject.practice,
        actor=by,
        client=refused.client,
        subject_user=refused.account,
        details={"email": refused.address, "reason": "not_on_file"},
    )


def _refuse_address(access: PortalAccess, address: str) -> AddressNotOnFile:
    return AddressNotOnFile(
        not_on_file_message(address, person_name(access)),
        address=address,
        client=access.client,
        account=access.user if access.ended_at is None else None,
    )


# --- the one path -------------------------------------------------------------------------


def send_access_link(
    access: PortalAccess,
    *,
    purpose: LinkPurpose,
    by: Actor,
    to: str | None = None,
    self_service: bool = False,
) -> SentLink:
    """Send (or resend) an invitation or a reset link to the person behind ``access``.

    ``to`` must be an address on file for the person (any case or spacing);
    any other is refused with ``AddressNotOnFile`` and audited, whoever asked.
    An invitation to someone who already has an account would make a second
    identity for the same person: a reset link goes instead (``SentLink.kind``
    says so). A contact whose access was ended gets a new access row, given
    with this invitation. ``self_service`` ("Forgot password?") spends the
    person's self-service budget, never the staff allowance. Refusals raise
    ``AccessRefused`` with words for staff.
    """
    try:
        return _send_access_link(access, purpose=purpose, by=by, to=to, self_service=self_service)
    except AddressNotOnFile as refused:
        _record_address_refusal(refused, by=by)
        raise


@transaction.atomic
def _send_access_link(
    access: PortalAccess, *, purpose: LinkPurpose, by: Actor, to: str | None, self_service: bool
) -> SentLink:
    at = timezone.now()
    if to and address_on_file(access, to) is None:
        # Before the allowance: a redirect attempt is refused and audited even
        # when no send is left. Checked again under the lock below.
        raise _refuse_address(access, to)
    sends_left = _spend(access, at=at, self_service=self_service)
    access = current_access(access)
    wanted = to or _address(access)
    on_file = address_on_file(access, wanted) if wanted else ""
    if on_file is None:
        raise _refuse_address(access, wanted)
    account = _check_sendable(access, purpose=purpose, to=on_file)
    if account is not None:
        purpose = LinkPurpose.PASSWORD_RESET
    elif access.ended_at is not None:
        access = _give_again(access, at=at)
    return _issue_and_queue(
        access,
        purpose=purpose,
        to=on_file,
        by=by,
        account=account,
        sends_left=sends_left,
        self_service=self_service,
    )


def _spend(subject: PortalAccess | User, *, at: datetime, self_service: bool) -> int:
    """Check the budget the send comes from (locking the subject's row); what it holds after."""
    if self_service:
        budget = check_self_service_budget(subject, at)
        if not budget.allowed:
            raise SelfServiceLimitReached(
                pgettext("staff", "Too many password reset requests lately."), budget
            )
        return budget.left_today - 1
    allowance = check_send_allowance(subject, at)
    if not allowance.allowed and allowance.next_available_at is not None:
        if isinstance(subject, User):
            raise SendLimitReached(
                pgettext("staff", "Too many emails were sent to this account today."), allowance
            )
        name = person_name(subject)
        message = refusal_message(subject.practice, name, allowance.next_available_at, at)
        raise SendLimitReached(message, allowance)
    return allowance.sends_left - 1


def _address(access: PortalAccess) -> str:
    """The address on file a link goes to: the contact's, or the client's default."""
    if access.contact is not None:
        access.contact.refresh_from_db(fields=["email", "removed_at"])
        return access.contact.email
    return default_address(access.client) or ""


def _check_sendable(access: PortalAccess, *, purpose: str, to: str) -> User | None:
    """The account the link is for (None: an invitation); refuses what cannot be sent."""
    contact, name = access.contact, person_name(access)
    if contact is not None and contact.removed_at is not None:
        raise AccessRefused(
            pgettext("staff", "%(name)s is no longer one of %(client)s's people.")
            % {"name": name, "client": access.client.full_name}
        )
    if not access.enabled:
        off = (
            pgettext(
                "staff", "Portal access is turned off for %(name)s. Turn it on in People first."
            )
            if contact
            else pgettext("staff", "Portal access is turned off for %(name)s. Turn it on first.")
        )
        raise AccessRefused(off % {"name": name})
    if not to:
        missing = (
            pgettext("staff", "%(name)s has no email address. Add one in People first.")
            if contact
            else pgettext(
                "staff", "%(name)s has no email address. Add one, or set a temporary password."
            )
        )
        raise AccessRefused(missing % {"name": name})
    account = access.user if access.ended_at is None else None
    if account is not None:
        account.refresh_from_db(fields=["is_active", "email", "username"])
        if not account.is_active:
            raise AccessRefused(
                pgettext("staff", "This portal account is disabled. Enable access first.")
            )
    elif purpose == LinkPurpose.PASSWORD_RESET:
        raise AccessRefused(
            pgettext("staff", "%(name)s has not set up a portal account yet. Send the invitation.")
            % {"name": name}
        )
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
    self_service: bool,
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
        self_service=self_service,
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
        details=sent_audit_details(access, issued.link, sends_left, self_service=self_service),
    )
    return SentLink(
        kind="invite" if invite else "reset", link=issued.link, email=email, sends_left=sends_left
    )


def send_account_reset(account: User, *, by: Actor, self_service: bool = False) -> SentLink:
    """A reset link for a portal account that acts only for others (a parent, a guardian).

    The link belongs to the account (no access row); both budgets count per
    account. It goes to the account's address only while that is the email on
    file of a contact the account acts as.
    """
    try:
        return _send_account_reset(account, by=by, self_service=self_service)
    except AddressNotOnFile as refused:
        _record_address_refusal(refused, by=by)
        raise


@transaction.atomic
def _send_account_reset(account: User, *, by: Actor, self_service: bool) -> SentLink:
    sends_left = _spend(account, at=timezone.now(), self_service=self_service)
    account.refresh_from_db()
    if not PortalAccess.objects.filter(user=account, ended_at=None).exists():
        raise AccessRefused(pgettext("staff", "This account is not linked to any client."))
    if not account.is_active:
        raise AccessRefused(pgettext("staff", "Portal access is turned off for this account."))
    if not account.email:
        raise AccessRefused(pgettext("staff", "This account has no email address."))
    if account_address_on_file(account) is None:
        name = account.full_name or account.username
        raise AddressNotOnFile(
            not_on_file_message(account.email, name),
            address=account.email,
            client=None,
            account=account,
        )
    practice = account.practice
    issued = issue_link(
        practice,
        purpose=LinkPurpose.PASSWORD_RESET,
        email=account.email,
        lifetime=practice.reset_lifetime,
        created_by=by.user,
        subject=account,
        self_service=self_service,
    )
    email = queue_email(
        practice=practice,
        kind=EmailKind.PASSWORD_RESET,
        to=account.email,
        context=link_email_context(None, issued.token, issued.link, account=account),
        link=issued.link,
    )
    record(
        Action.RESET_SENT,
        practice=practice,
        actor=by,
        subject_user=account,
        details=sent_audit_details(None, issued.link, sends_left, self_service=self_service),
    )
    return SentLink(kind="reset", link=issued.link, email=email, sends_left=sends_left)
