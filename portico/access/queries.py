"""Reads about portal access: whose access a row is, who holds an account, recent events."""

from __future__ import annotations

from django.db.models import QuerySet

from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, PortalAccess
from portico.accounts.models import User
from portico.clients.contact_queries import current_contacts
from portico.clients.models import Client, ClientEmail, Contact


def own_access(client: Client) -> PortalAccess | None:
    """The client's own access (switched on or off), if it was ever given."""
    return (
        PortalAccess.objects.filter(
            practice_id=client.practice_id, client=client, contact__isnull=True, ended_at=None
        )
        .select_related("user")
        .first()
    )


def own_accesses(client_ids: list[int]) -> dict[int, PortalAccess]:
    """The own access of each of these clients that has one, in one query."""
    rows = PortalAccess.objects.filter(
        client_id__in=client_ids, contact__isnull=True, ended_at=None
    ).select_related("user")
    return {access.client_id: access for access in rows}


def contact_access(contact: Contact) -> PortalAccess | None:
    """The contact's current access: the latest row, live or ended."""
    return contact_accesses([contact.pk]).get(contact.pk)


def contact_accesses(contact_ids: list[int]) -> dict[int, PortalAccess]:
    """The current (latest) access of each of these contacts that has one, in one query."""
    rows = (
        PortalAccess.objects.filter(contact_id__in=contact_ids)
        .select_related("user")
        .order_by("created_at", "id")
    )
    return {access.contact_id: access for access in rows}  # type: ignore[misc]  # latest wins


def access_is_on(person: Client | Contact) -> bool:
    """Whether the person's portal access is switched on."""
    access = own_access(person) if isinstance(person, Client) else contact_access(person)
    return access is not None and access.enabled


def contacts_with_access_on(client: Client) -> list[Contact]:
    """The client's current contacts whose portal access is on, primary ones first."""
    contacts = current_contacts(client)
    accesses = contact_accesses([contact.pk for contact in contacts])
    return [c for c in contacts if (a := accesses.get(c.pk)) is not None and a.enabled]


def portal_account_for(client: Client) -> User | None:
    """The client's own portal account: the user holding their own access."""
    access = own_access(client)
    return access.user if access else None


def client_of_account(user: User) -> Client | None:
    """The client a portal account belongs to (as the client themself), if any."""
    access = (
        PortalAccess.objects.filter(
            practice_id=user.practice_id, user=user, contact__isnull=True, ended_at=None
        )
        .select_related("client")
        .first()
    )
    return access.client if access else None


def working_accesses(user: User) -> QuerySet[PortalAccess]:
    """The accesses a portal account may act through now: the portal checks this on every
    request, so access switched off, ended or of a removed contact stops at once."""
    return PortalAccess.objects.filter(
        practice_id=user.practice_id,
        user=user,
        enabled=True,
        ended_at=None,
        contact__removed_at__isnull=True,
    ).select_related("client", "contact")


def default_address(client: Client) -> str | None:
    email = ClientEmail.objects.filter(client=client, is_default=True).first()
    return email.address if email else None


def client_links(client: Client) -> QuerySet[AccessLink]:
    """The client's own invitation and reset links (not their contacts'), newest first."""
    return AccessLink.objects.filter(
        practice_id=client.practice_id,
        access__client=client,
        access__contact__isnull=True,
        purpose__in=CLIENT_PURPOSES,
    ).order_by("-created_at", "-id")
