"""Reads about portal access: who holds a client's account, a client's recent links."""

from __future__ import annotations

from django.db.models import QuerySet

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, GrantRelationship, PortalGrant
from portico.accounts.models import User
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
    """The client's invitation and reset links, newest first."""
    return AccessLink.objects.filter(
        practice_id=client.practice_id, client=client, purpose__in=CLIENT_PURPOSES
    ).order_by("-created_at", "-id")
