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
from portico.portal.acting import grant_label
from portico.practices.models import PortalFeature, Practice

# Family members may share one inbox; a request by email reaches at most this many accounts.
MAX_ACCOUNTS_PER_REQUEST = 5


def next_step_url(user: User) -> str:
    """Where a portal user goes after signing in or registering.

    Outstanding intake forms will come first here once they exist; today it is
    the portal home. Call it inside a request of the user's practice.
    """
    return reverse("portal:home")


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
    video_blocked: str = ""  # why video sessions cannot be joined yet, in plain words


def portal_home(user: User, grant: PortalAccess | None = None) -> PortalHome:
    """The home page of ``user`` acting through ``grant`` (their own client record if None)."""
    practice = user.practice
    enabled = set(practice.portal_features or [])
    if grant is None or grant.is_own:
        client = grant.client if grant is not None else client_of_account(user)
        return PortalHome(
            greeting_name=greeting_name(user, client),
            username=user.username,
            email=user.email,
            client_name=client.greeting_name if client else "",
        )
    contact = grant.contact
    video_blocked = ""
    if (
        PortalFeature.TELEHEALTH.value in enabled
        and contact is not None
        and contact.telehealth_consent_at is None
    ):
        ways = " or ".join(filter(None, [practice.phone, practice.email]))
        reach = f" Contact them at {ways}." if ways else f" Contact {practice.name}."
        video_blocked = (
            f"Video sessions: you can't join yet because {practice.name} hasn't recorded "
            f"your consent for telehealth.{reach}"
        )
    return PortalHome(
        greeting_name=user.first_name or user.username,
        username=user.username,
        email=user.email,
        acting_for=grant_label(grant),
        client_name=grant.client.greeting_name,
        video_blocked=video_blocked,
    )
