"""Whom a signed-in portal user is acting for: one of their active grants.

A portal account may act for several clients (a parent of two children; a
client who is also someone's guardian). The chosen client's id lives in the
session; ``acting_for`` re-reads the grant on every request, so a grant revoked
by staff ends access to that client at once, even inside an open session.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest

from portico.access.models import GrantRelationship, PortalGrant
from portico.accounts.models import User
from portico.clients.models import Relationship

SESSION_KEY = "portico_acting_for"
LOST_KEY = "portico_acting_for_lost"

_RELATIONSHIP_WORDS = {
    Relationship.PARENT: "your child",
    Relationship.GUARDIAN: "in your care",
    Relationship.PARTNER: "your partner",
}


def active_grants(user: User) -> list[PortalGrant]:
    """The grants that work now: not revoked, the client's (or contact's) access still on."""
    grants = (
        PortalGrant.objects.filter(user=user, practice_id=user.practice_id, revoked_at__isnull=True)
        .filter(
            Q(relationship=GrantRelationship.SELF, client__portal_access_enabled=True)
            | Q(
                relationship=GrantRelationship.CONTACT,
                contact__portal_access_enabled=True,
                contact__removed_at__isnull=True,
            )
        )
        .select_related("client", "contact")
    )
    # "Yourself" first, then the others by name.
    return sorted(
        grants,
        key=lambda g: (g.relationship != GrantRelationship.SELF, g.client.first_name, g.pk),
    )


def grant_label(grant: PortalGrant) -> str:
    """ "Yourself", "Mia (your child)", "Sam (your partner)"."""
    if grant.relationship == GrantRelationship.SELF:
        return "Yourself"
    name = grant.client.greeting_name
    contact = grant.contact
    if contact is None:
        return name
    words = _RELATIONSHIP_WORDS.get(contact.relationship)  # type: ignore[call-overload]
    if words is None:
        words = f"you are their {contact.relationship_note}" if contact.relationship_note else ""
    return f"{name} ({words})" if words else name


@dataclass(frozen=True)
class Acting:
    grant: PortalGrant | None  # None: choose first (several), or none left
    grants: list[PortalGrant]
    lost: bool  # the grant chosen earlier in this session no longer works

    @property
    def can_switch(self) -> bool:
        return len(self.grants) > 1


def acting_for(request: HttpRequest) -> Acting:
    """The grant the signed-in portal user acts through now, checked against the database."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (behind portal_user_required)
    grants = active_grants(user)
    chosen = request.session.get(SESSION_KEY)
    for grant in grants:
        if grant.client_id == chosen:
            return Acting(grant, grants, lost=False)
    lost = chosen is not None
    if lost:
        request.session.pop(SESSION_KEY, None)
    if len(grants) == 1 and not lost:
        choose_client(request, grants[0].client_id)
        return Acting(grants[0], grants, lost=False)
    return Acting(None, grants, lost=lost)


def choose_client(request: HttpRequest, client_id: int) -> None:
    request.session[SESSION_KEY] = client_id
