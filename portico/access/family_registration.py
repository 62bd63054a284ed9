"""Registration through a contact's invitation: a new account, or the one they already have.

One transaction: spend the link (exactly one winner), create the account or take
the existing one, add the "contact" grant for the client, audit. A parent of two
children registers with the first invitation and attaches the second to the
same account: one person, one identity, two grants. Two people who share an
inbox stay two accounts: an account is attached only when its own password was
given.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from portico.access.actions import free_username
from portico.access.links import consume_link
from portico.access.models import AccessLink, GrantRelationship, PortalGrant
from portico.access.registration import UsernameTaken, username_is_free
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Contact


class CannotAttach(Exception):
    """The account given cannot take this grant (another practice, staff, turned off)."""


def email_in_use(practice_id: int, email: str) -> bool:
    """Whether another portal account of the practice already uses this address."""
    return User.objects.filter(
        practice_id=practice_id, kind=UserKind.PORTAL, email__iexact=email.strip()
    ).exists()


@transaction.atomic
def complete_contact_registration(
    link: AccessLink,
    *,
    by: Actor,
    at: datetime,
    existing: User | None = None,
    username: str | None = None,
    password: str | None = None,
) -> User | None:
    """Spend the contact's link and grant their account access to the client.

    With ``existing`` (already checked with its password by the caller), the grant
    attaches to that account; otherwise a new account is made with ``username``
    (or one made from the contact's name) and ``password``. None if the link died
    first; ``UsernameTaken`` if the name went meanwhile (nothing is spent then).
    """
    contact, client = link.contact, link.client
    if contact is None or client is None:
        raise ValueError("Not a contact's invitation.")
    if existing is not None and (
        existing.practice_id != link.practice_id
        or existing.kind != UserKind.PORTAL
        or not existing.is_active
    ):
        raise CannotAttach
    if not consume_link(link, at):
        return None
    created = existing is None
    if existing is None:
        if password is None:
            raise ValueError("A new account needs a password.")
        account = _new_account(contact, username=username, email=link.email, password=password)
    else:
        account = existing
    already = PortalGrant.objects.filter(
        user=account, client=client, revoked_at__isnull=True
    ).exists()
    if not already:
        PortalGrant.objects.create(
            practice_id=link.practice_id,
            user=account,
            client=client,
            relationship=GrantRelationship.CONTACT,
            contact=contact,
            created_at=at,
        )
    record(
        "access.registered",
        practice=link.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={
            "link_id": link.pk,
            "username": account.username,
            "account_created": created,
            "for_client": str(client.public_id),
            "as_contact": str(contact.public_id),
            "grant_existed": already,
        },
    )
    return account


def _new_account(contact: Contact, *, username: str | None, email: str, password: str) -> User:
    practice_id = contact.practice_id
    name = username or free_username(practice_id, contact.first_name, contact.last_name)
    if not username_is_free(practice_id, name):
        raise UsernameTaken
    account = User(
        practice_id=practice_id,
        kind=UserKind.PORTAL,
        username=name,
        email=email,
        first_name=contact.first_name,
        last_name=contact.last_name,
    )
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise UsernameTaken from None
    return account
