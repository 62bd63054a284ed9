"""Whom a signed-in portal user is acting for: one of their portal accesses that works.

A portal account may act for several clients (a parent of two children; a
client who is also someone's guardian). The chosen client's id lives in the
session; ``acting_for`` re-reads the accesses on every request (one filter,
``access.queries.working_accesses``), so access ended or switched off by staff
stops at once, even inside an open session.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portico.access.models import PortalAccess
from portico.access.queries import working_accesses
from portico.access.session_token import ACTING_FOR_KEY, remember_acting_for
from portico.accounts.models import User
from portico.clients.models import Relationship

SESSION_KEY = ACTING_FOR_KEY
LOST_KEY = "portico_acting_for_lost"

_RELATIONSHIP_WORDS = {
    Relationship.PARENT: _("your child"),
    Relationship.GUARDIAN: _("in your care"),
    Relationship.PARTNER: _("your partner"),
}


def active_grants(user: User) -> list[PortalAccess]:
    """The accesses that work now, "yourself" first, then the others by name."""
    return sorted(
        working_accesses(user),
        key=lambda access: (not access.is_own, access.client.first_name, access.pk),
    )


def grant_label(access: PortalAccess) -> str:
    """ "Yourself", "Mia (your child)", "Sam (your partner)"."""
    if access.is_own:
        return gettext("Yourself")
    name = access.client.greeting_name
    contact = access.contact
    if contact is None:
        return name
    words = _RELATIONSHIP_WORDS.get(contact.relationship)  # type: ignore[call-overload]
    if words is None:
        words = (
            gettext("you are their %(relationship)s") % {"relationship": contact.relationship_note}
            if contact.relationship_note
            else ""
        )
    return f"{name} ({words})" if words else name


@dataclass(frozen=True)
class Acting:
    grant: PortalAccess | None  # None: choose first (several), or none left
    grants: list[PortalAccess]
    lost: bool  # the access chosen earlier in this session no longer works

    @property
    def can_switch(self) -> bool:
        return len(self.grants) > 1


def acting_for(request: HttpRequest) -> Acting:
    """The access the signed-in portal user acts through now, checked against the database."""
    user = request.user
    if not isinstance(user, User):  # behind portal_user_required: never
        return Acting(None, [], lost=False)
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
    remember_acting_for(request, client_id)
