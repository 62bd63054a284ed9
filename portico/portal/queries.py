"""Reads for the client portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.urls import reverse

from portico.access.models import PortalAccess
from portico.access.queries import client_of_account
from portico.accounts.backends import find_sign_in_candidates
from portico.accounts.models import User, UserKind
from portico.clients.models import Client
from portico.portal.acting import active_grants, grant_label
from portico.portal.next_steps import NextStep, next_steps
from portico.practices.models import Practice

# Family members may share one inbox; a request by email reaches at most this many accounts.
MAX_ACCOUNTS_PER_REQUEST = 5


def next_step_url(user: User, *, client_id: int | None = None) -> str:
    """Where a portal user goes after registering or signing in: their first next step.

    The steps are those of the client they act for: ``client_id`` when the caller has
    just chosen one (registration through a link names it), otherwise their only
    working access. With several and none chosen, the portal home (it asks whom they
    act for); with nothing waiting, the portal home too. Call it inside a request of
    the user's practice (the steps' URLs are the practice's).
    """
    home = reverse("portal:home")
    grants = active_grants(user)
    if client_id is not None:
        grants = [grant for grant in grants if grant.client_id == client_id]
    if len(grants) != 1:
        return home
    steps = portal_steps(grants[0])
    return steps[0].url if steps else home


def portal_steps(grant: PortalAccess) -> tuple[NextStep, ...]:
    """The next steps the person of ``grant`` sees: each with words and a page for them."""
    steps = next_steps(grant.client, reader=grant)
    return tuple(step for step in steps if step.waiting_on == "client")


def portal_accounts_for_identifier(practice: Practice, identifier: str) -> list[User]:
    """The portal accounts a username or an email address names (the sign-in rules)."""
    return find_sign_in_candidates(practice=practice, kind=UserKind.PORTAL, identifier=identifier)


def portal_accounts_with_email(practice: Practice, email: str) -> list[User]:
    email = email.strip().lower()
    if not email:
        return []
    return list(
        User.objects.select_related("practice")
        .filter(practice=practice, kind=UserKind.PORTAL)
        .annotate(e=Lower("email"))
        .filter(e=email)
        .order_by("pk")[:MAX_ACCOUNTS_PER_REQUEST]
    )


def greeting_name(user: User, client: Client | None) -> str:
    if client is not None:
        return client.greeting_name
    return user.first_name or user.username


@dataclass(frozen=True)
class PortalHome:
    greeting_name: str
    username: str
    email: str
    acting_for: str = ""  # "Mia (your child)"; "" when acting for oneself
    client_name: str = ""  # the client this page is about
    steps: tuple[NextStep, ...] = ()  # what the practice is waiting for, most urgent first


def portal_home(user: User, grant: PortalAccess | None = None) -> PortalHome:
    """The home page of ``user`` acting through ``grant`` (their own client record if None)."""
    if grant is None or grant.is_own:
        client = grant.client if grant is not None else client_of_account(user)
        return PortalHome(
            greeting_name=greeting_name(user, client),
            username=user.username,
            email=user.email,
            client_name=client.greeting_name if client else "",
            steps=portal_steps(grant) if grant is not None else (),
        )
    return PortalHome(
        greeting_name=user.first_name or user.username,
        username=user.username,
        email=user.email,
        acting_for=grant_label(grant),
        client_name=grant.client.greeting_name,
        steps=portal_steps(grant),
    )
