"""Reads for the client portal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.urls import reverse

from portico.access.queries import client_of_account
from portico.accounts.backends import find_sign_in_candidates
from portico.accounts.models import User, UserKind
from portico.clients.models import Client
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
    features: list[str]  # labels of what the practice offers through the portal


def portal_home(user: User) -> PortalHome:
    client = client_of_account(user)
    enabled = set(user.practice.portal_features or [])
    return PortalHome(
        greeting_name=greeting_name(user, client),
        username=user.username,
        email=user.email,
        features=[feature.label for feature in PortalFeature if feature.value in enabled],
    )
