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
from portico.audit.queries import describe_event
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
            | Q(action__startswith="mail.")
        )
        .order_by("-at", "-id")[:limit]
    )
    return [
        AccessEvent(
            at=row.at,
            when=short_day_and_time(client.practice, row.at),
            text=describe_event(row),
            actor=row.actor_label,
        )
        for row in rows
    ]
