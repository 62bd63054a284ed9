"""Demo clients in every portal state, built with the real actions (for seed_demo).

The demo password of every client account made here is ``DEMO_CLIENT_PASSWORD``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from portico.access.actions import (
    disable_portal_access,
    send_contact_invite,
    send_invite,
    set_temporary_password,
)
from portico.access.models import AccessLink
from portico.access.people import add_client, add_contact
from portico.access.queries import client_of_account
from portico.access.registration import record_dob_failure, redeem_invite
from portico.accounts.lockout import MAX_FAILED_SIGN_INS, register_failure
from portico.accounts.models import User
from portico.audit.actor import Actor
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
    user = redeem_invite(link, by=Actor.system(), at=timezone.now(), password=DEMO_CLIENT_PASSWORD)
    if user is None:  # a fresh link always works
        raise RuntimeError("The demo invitation did not work.")
    return user


def _own_client(user: User) -> Client:
    client = client_of_account(user)
    if client is None:
        raise RuntimeError("The demo account has no client.")
    return client


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
    made["active"] = _own_client(active)

    locked = _registered(practice, by, "Lou", "Locked", "lou.locked@example.com")
    # Five wrong passwords, then four more: the longest wait (15 minutes), as a guesser reaches.
    for _ in range(MAX_FAILED_SIGN_INS + 4):
        register_failure(locked, by=Actor.system())
    made["locked"] = _own_client(locked)

    disabled_user = _registered(practice, by, "Dana", "Disabled", "dana.disabled@example.com")
    disabled = _own_client(disabled_user)
    disable_portal_access(disabled, by=by)
    made["disabled"] = disabled

    phone_only = _client(practice, by, "Tom", "Temporary", "")
    set_temporary_password(phone_only, by=by, password=DEMO_TEMPORARY_PASSWORD)
    made["temporary_password"] = phone_only
    return made


DEMO_PARENT_EMAIL = "jordan.rivera@example.com"


@transaction.atomic
def seed_family(practice: Practice, owner: User) -> User:
    """A parent of two children: two invitations to one address, registered once, two grants.

    Returns the parent's portal account (password ``DEMO_CLIENT_PASSWORD``). The
    younger child's parent has no telehealth consent recorded, so the portal
    shows what is missing.
    """
    from portico.clients.contact_actions import record_consent

    by = Actor.for_user(owner)
    today = timezone.localdate()
    children = [
        add_client(
            practice,
            by=by,
            first_name=first,
            last_name="Rivera",
            date_of_birth=date(today.year - age, 3, 14),
            emails=[],
            send_invitation=False,
        )
        for first, age in (("Maya", 12), ("Theo", 9))
    ]
    contacts = [
        add_contact(
            child,
            by=by,
            first_name="Jordan",
            last_name="Rivera",
            relationship="parent",
            email=DEMO_PARENT_EMAIL,
            is_primary=True,
            portal_access_enabled=True,
        )
        for child in children
    ]
    record_consent(contacts[0], kind="telehealth", given=True, by=by)
    links = [send_contact_invite(contact, by=by).link for contact in contacts]
    parent = redeem_invite(
        links[0], by=Actor.system(), at=timezone.now(), password=DEMO_CLIENT_PASSWORD
    )
    if parent is None:  # a fresh link always works
        raise RuntimeError("The demo invitation did not work.")
    redeem_invite(links[1], by=Actor.system(), at=timezone.now(), existing=parent)
    return parent
