"""Portal access for a client's contacts: a parent, a guardian, a partner.

A contact gets their own invitation (a client-invite link whose subject is the
contact), their own resend allowance, and — once registered — a "contact" grant
on their own portal account. One account may hold grants for several clients (a
parent of two children); ending a contact's access for one client revokes that
contact's links and that grant only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portico.access.actions import AccessRefused, SendLimitReached, SentLink
from portico.access.family_status import ContactStatus, contact_status, contact_statuses
from portico.access.limits import check_contact_send_allowance, lock_client, refusal_message
from portico.access.links import issue_link, links_for_subject, revoke_live_links
from portico.access.models import GrantRelationship, LinkPurpose, PortalGrant, RevokeReason
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Contact
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import queue_email

INVITE_URL_NAME = "access:welcome_link"

__all__ = [
    "ContactStatus",
    "EndedAccess",
    "contact_status",
    "contact_statuses",
    "end_contact_access",
    "send_contact_invite",
]


@transaction.atomic
def send_contact_invite(contact: Contact, *, by: Actor) -> SentLink:
    """Send (or resend) the contact their own portal invitation for this client.

    The link's subject is the contact: it supersedes only that contact's earlier
    links, and counts toward that contact's own limit of 5 sends in 24 hours.
    """
    at = timezone.now()
    client = contact.client
    allowance = check_contact_send_allowance(contact, at)  # locks the client row
    if not allowance.allowed:
        message = refusal_message(client, allowance, at, name=contact.full_name)
        raise SendLimitReached(message, allowance)
    contact.refresh_from_db(fields=["portal_access_enabled", "email", "removed_at"])
    if contact.removed_at is not None:
        raise AccessRefused(f"{contact.full_name} is no longer one of {client.full_name}'s people.")
    if not contact.portal_access_enabled:
        raise AccessRefused(
            f"Portal access is turned off for {contact.full_name}. Turn it on in People first."
        )
    if not contact.email:
        raise AccessRefused(f"{contact.full_name} has no email address. Add one in People first.")
    practice = client.practice
    if contact.practice_id != practice.pk:  # a contact always belongs to its client's practice
        raise AccessRefused("This contact belongs to another practice.")
    earlier = links_for_subject(practice, contact=contact).exists()
    issued = issue_link(
        practice,
        purpose=LinkPurpose.CLIENT_INVITE,
        email=contact.email,
        lifetime=practice.invite_lifetime,
        created_by=by.user,
        client=client,
        contact=contact,
    )
    email = queue_email(
        practice=practice,
        kind=EmailKind.INVITE,
        to=contact.email,
        context={
            "greeting_name": contact.greeting_name,
            "practice_name": practice.name,
            "link": practice_url(practice, INVITE_URL_NAME, issued.token),
            "link_expires": issued.link.expires_at,
            "practice_phone": practice.phone,
            "practice_email": practice.email,
        },
        client=client,
        link=issued.link,
    )
    sends_left = allowance.sends_left - 1
    record(
        "access.invite.resent" if earlier else "access.invite.sent",
        practice=practice,
        actor=by,
        client=client,
        details={
            "email": contact.email,
            "contact": str(contact.public_id),
            "contact_name": contact.full_name,
            "link_id": issued.link.pk,
            "expires_at": issued.link.expires_at.isoformat(),
            "sends_left": sends_left,
        },
    )
    return SentLink(kind="invite", link=issued.link, email=email, sends_left=sends_left)


@dataclass(frozen=True)
class EndedAccess:
    links_revoked: int
    grant_ended: bool


@transaction.atomic
def end_contact_access(contact: Contact, *, by: Actor, reason: RevokeReason) -> EndedAccess:
    """End the contact's portal access to THIS client: their live links and their grant.

    ``reason`` says why (REVOKED_BY_STAFF, EMAIL_CHANGED, ACCESS_DISABLED,
    CONTACT_REMOVED); it is kept on the revoked links and in the audit log. The
    contact's account and its grants for other clients keep working; the portal
    checks the grant on every request, so an open session loses this client at once.
    """
    at = timezone.now()
    client = contact.client
    lock_client(client)
    revoked = revoke_live_links(
        links_for_subject(client.practice, contact=contact), reason=reason, at=at
    )
    grants = PortalGrant.objects.filter(
        practice_id=client.practice_id,
        client=client,
        contact=contact,
        relationship=GrantRelationship.CONTACT,
        revoked_at__isnull=True,
    )
    grant = grants.select_related("user").first()
    ended = grants.update(revoked_at=at) > 0
    record(
        "access.contact.ended",
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=grant.user if grant else None,
        details={
            "contact": str(contact.public_id),
            "contact_name": contact.full_name,
            "reason": str(reason),
            "links_revoked": revoked,
            "grant_ended": ended,
        },
    )
    return EndedAccess(links_revoked=revoked, grant_ended=ended)
