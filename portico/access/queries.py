"""Reads about portal access: who holds a client's account, a client's recent links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, GrantRelationship, PortalGrant
from portico.access.wording import short_day_and_time
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client, ClientEmail


def active_self_grants(practice_id: int) -> QuerySet[PortalGrant]:
    return PortalGrant.objects.filter(
        practice_id=practice_id, relationship=GrantRelationship.SELF, revoked_at__isnull=True
    )


def portal_account_for(client: Client) -> User | None:
    """The client's own portal account: the user holding their active "self" grant."""
    grant = (
        active_self_grants(client.practice_id).filter(client=client).select_related("user").first()
    )
    return grant.user if grant else None


def client_of_account(user: User) -> Client | None:
    """The client a portal account belongs to (its "self" grant), if any."""
    grant = active_self_grants(user.practice_id).filter(user=user).select_related("client").first()
    return grant.client if grant else None


def default_address(client: Client) -> str | None:
    email = ClientEmail.objects.filter(client=client, is_default=True).first()
    return email.address if email else None


def client_links(client: Client) -> QuerySet[AccessLink]:
    """The client's own invitation and reset links (not their contacts'), newest first."""
    return AccessLink.objects.filter(
        practice_id=client.practice_id,
        client=client,
        contact__isnull=True,
        purpose__in=CLIENT_PURPOSES,
    ).order_by("-created_at", "-id")


EVENT_WORDS = {
    "access.invite.sent": "Invitation sent",
    "access.invite.resent": "Invitation resent",
    "access.reset.sent": "Password reset sent",
    "access.reset.resent": "Password reset resent",
    "access.link.viewed": "Emailed link opened",
    "access.dob.failed": "Wrong date of birth entered",
    "access.link.revoked": "Link cancelled",
    "access.registered": "Account set up",
    "access.temporary_password.set": "Temporary password set",
    "access.enabled": "Portal access turned on",
    "access.disabled": "Portal access turned off",
    "access.unlocked": "Account unlocked",
    "signin.succeeded": "Signed in",
    "signin.failed": "Sign-in failed",
    "signin.locked": "Locked after failed sign-ins",
    "password.reset": "Password reset completed",
    "password.changed": "Password changed",
}


@dataclass(frozen=True)
class AccessEvent:
    at: datetime
    when: str  # "Nov 21 at 3:05 PM", in the practice's time zone
    text: str
    actor: str


def recent_access_events(client: Client, account: User | None, limit: int = 4) -> list[AccessEvent]:
    """The client's last few access events, including sign-ins of their account."""
    events = AuditEvent.objects.filter(practice_id=client.practice_id)
    about = Q(client=client)
    if account is not None:
        about |= Q(subject_user=account)
    rows = (
        events.filter(about)
        .filter(
            Q(action__startswith="access.")
            | Q(action__startswith="signin.")
            | Q(action__startswith="password.")
        )
        .order_by("-at", "-id")[:limit]
    )
    return [
        AccessEvent(
            at=row.at,
            when=short_day_and_time(client.practice, row.at),
            text=_event_text(row),
            actor=row.actor_label,
        )
        for row in rows
    ]


def _event_text(event: AuditEvent) -> str:
    text = EVENT_WORDS.get(event.action, event.action)
    details = event.details or {}
    if event.action == "signin.failed" and details.get("reason"):
        text += f" ({str(details['reason']).replace('_', ' ')})"
    if event.action == "access.link.revoked" and details.get("reason") == "dob_failures":
        text += " (too many wrong dates of birth)"
    if details.get("email") and event.action.startswith(("access.invite", "access.reset")):
        text += f" to {details['email']}"
    return text
