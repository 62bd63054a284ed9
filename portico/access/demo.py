"""Demo clients in every portal state, built with the real actions (for seed_demo).

The demo password of every client account made here is ``DEMO_CLIENT_PASSWORD``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from portico.access.actions import (
    disable_portal_access,
    send_invite,
    set_temporary_password,
)
from portico.access.models import AccessLink
from portico.access.registration import complete_registration, record_dob_failure
from portico.accounts.lockout import MAX_FAILED_SIGN_INS, register_failure
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.actions import add_client
from portico.clients.models import Client
from portico.practices.models import Practice

DEMO_CLIENT_PASSWORD = "lakeside-client-2026"  # noqa: S105 (a published demo password)
DEMO_TEMPORARY_PASSWORD = "lakeside-temp-2026"  # noqa: S105 (a published demo password)


def _client(practice: Practice, by: Actor, first: str, last: str, email: str) -> Client:
    return add_client(
        practice,
        by=by,
        first_name=first,
        last_name=last,
        date_of_birth=date(1990, 1, 15),
        emails=[email] if email else [],
        send_invitation=False,
    )


def _registered(practice: Practice, by: Actor, first: str, last: str, email: str) -> User:
    client = _client(practice, by, first, last, email)
    link = send_invite(client, by=by).link
    user = complete_registration(
        link, by=Actor.system(), username=None, password=DEMO_CLIENT_PASSWORD, at=timezone.now()
    )
    assert user is not None  # noqa: S101 (a fresh link)
    return user


@transaction.atomic
def seed_access_states(practice: Practice, owner: User) -> dict[str, Client]:
    """One client per portal state; returns them by state name."""
    by = Actor.for_user(owner)
    made: dict[str, Client] = {}

    invited = _client(practice, by, "Ivy", "Invited", "ivy.invited@example.com")
    send_invite(invited, by=by)
    made["invited"] = invited

    expired = _client(practice, by, "Evan", "Expired", "evan.expired@example.com")
    link = send_invite(expired, by=by).link
    # Sent three days ago: move the link back in time rather than wait.
    past = timezone.now() - timedelta(days=3)
    AccessLink.objects.filter(pk=link.pk).update(
        created_at=past, expires_at=past + practice.invite_lifetime
    )
    made["invite_expired"] = expired

    dob = _client(practice, by, "Dora", "Birthdate", "dora.birthdate@example.com")
    dob_link = send_invite(dob, by=by).link
    for _ in range(5):
        record_dob_failure(dob_link, by=Actor.system(), at=timezone.now())
    made["dob_locked"] = dob

    active = _registered(practice, by, "Alex", "Active", "alex.active@example.com")
    made["active"] = active.portal_grants.get().client

    locked = _registered(practice, by, "Lou", "Locked", "lou.locked@example.com")
    for _ in range(MAX_FAILED_SIGN_INS):
        register_failure(locked, by=Actor.system())
    made["locked"] = locked.portal_grants.get().client

    disabled_user = _registered(practice, by, "Dana", "Disabled", "dana.disabled@example.com")
    disabled = disabled_user.portal_grants.get().client
    disable_portal_access(disabled, by=by)
    made["disabled"] = disabled

    phone_only = _client(practice, by, "Tom", "Temporary", "")
    set_temporary_password(phone_only, by=by, password=DEMO_TEMPORARY_PASSWORD)
    made["temporary_password"] = phone_only
    return made
