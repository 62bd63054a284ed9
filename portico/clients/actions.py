"""Writes for clients and their email addresses.

Nothing here knows about portal access: the writes that also change it (adding a
client with access and the invitation, an address changed or removed, access
switched) are composed in ``portico.access.people`` and call these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.emails import normalize_email
from portico.clients.models import Client, ClientEmail
from portico.intake.actions import assign_intake_set
from portico.practices.models import Practice


@transaction.atomic
def add_client(
    practice: Practice,
    *,
    by: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    preferred_name: str = "",
    phone: str = "",
    emails: Sequence[str] = (),
    email_notifications_enabled: bool = True,
    external_id: str = "",
) -> Client:
    """Add a client; the first email address becomes the default.

    Portal access and the invitation: ``portico.access.people.add_client``.
    """
    client = Client(
        practice=practice,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        email_notifications_enabled=email_notifications_enabled,
        external_id=external_id.strip(),
    )
    client.full_clean()
    client.save()
    addresses = list(dict.fromkeys(normalize_email(address) for address in emails))
    ClientEmail.objects.bulk_create(
        ClientEmail(practice=practice, client=client, address=address, is_default=index == 0)
        for index, address in enumerate(addresses)
    )
    record(
        Action.CLIENT_ADDED,
        practice=practice,
        actor=by,
        client=client,
        details={"emails": addresses},
    )
    # The practice's intake set, if it gives one (no email: the invitation leads there).
    assign_intake_set(client, by=by)
    return client


# Fields staff edit on the Personal information page. The date of birth is audited
# by name only: its value never goes into audit details.
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email_notifications_enabled",
)
# Also on the Personal information page, and what clients update in the portal
# (portico.profiles applies their accepted changes through update_client_details).
PROFILE_FIELDS = (
    "pronouns",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
)
# Not on the form: set by imports and the API, matched on by both.
_OTHER_FIELDS = ("external_id",)
_TEXT_FIELDS = {"first_name", "last_name", "preferred_name", "phone", "external_id"} | set(
    PROFILE_FIELDS
)


# Called inside an address write with (client, the address gone); returns links revoked.
AddressGone = Callable[[Client, str], int]


@transaction.atomic
def update_client_details(
    client: Client, *, by: Actor, also_changed: Sequence[str] = (), **changes: Any
) -> list[str]:
    """Change the client's personal details; returns the names of the fields that changed.

    ``also_changed``: fields the caller changed elsewhere (portal access), named in
    the same audit event.
    """
    unknown = set(changes) - {*DETAIL_FIELDS, *PROFILE_FIELDS, *_OTHER_FIELDS}
    if unknown:
        raise TypeError(f"Not a client detail: {sorted(unknown)}")
    changed: list[str] = []
    for name, value in changes.items():
        if name in _TEXT_FIELDS:
            value = str(value).strip()
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    if not changed and not also_changed:
        return []
    client.full_clean()
    client.save(update_fields=[*changed, "updated_at"])
    changed += list(also_changed)
    record(
        Action.CLIENT_DETAILS_CHANGED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"fields": changed},
    )
    return changed


def _lock_emails(client: Client) -> list[ClientEmail]:
    """The client's addresses, locked, default first: one writer at a time per client."""
    return list(
        ClientEmail.objects.select_for_update()
        .filter(client=client)
        .order_by("-is_default", "created_at", "id")
    )


def _refuse_duplicate(client: Client, address: str, *, except_id: int | None = None) -> None:
    others = ClientEmail.objects.filter(client=client, address__iexact=address)
    if except_id is not None:
        others = others.exclude(pk=except_id)
    if others.exists():
        raise ValidationError(
            pgettext("staff", "%(address)s is already one of this client's addresses.")
            % {"address": address},
            code="duplicate",
        )


@transaction.atomic
def add_client_email(
    client: Client, *, by: Actor, address: str, make_default: bool = False
) -> ClientEmail:
    """Add an address; it becomes the default if it is the first (or if asked)."""
    address = normalize_email(address)
    existing = _lock_emails(client)
    _refuse_duplicate(client, address)
    is_default = make_default or not existing
    if is_default:
        ClientEmail.objects.filter(client=client, is_default=True).update(is_default=False)
    email = ClientEmail.objects.create(
        practice_id=client.practice_id, client=client, address=address, is_default=is_default
    )
    record(
        Action.CLIENT_EMAIL_ADDED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"address": address, "default": is_default},
    )
    return email


@transaction.atomic
def change_client_email(
    email: ClientEmail, *, by: Actor, address: str, gone: AddressGone | None = None
) -> ClientEmail:
    """Correct an address; ``gone`` ends what was sent to the old one."""
    address = normalize_email(address)
    client = email.client
    _lock_emails(client)
    email.refresh_from_db()
    old = email.address
    if address == old:
        return email
    _refuse_duplicate(client, address, except_id=email.pk)
    email.address = address
    # A new address has not bounced (yet).
    email.bounced_at = None
    email.bounce_reason = ""
    email.save(update_fields=["address", "bounced_at", "bounce_reason"])
    revoked = gone(client, old) if gone else 0
    record(
        Action.CLIENT_EMAIL_CHANGED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"old_address": old, "new_address": address, "links_revoked": revoked},
    )
    return email


@transaction.atomic
def remove_client_email(
    email: ClientEmail, *, by: Actor, gone: AddressGone | None = None
) -> ClientEmail | None:
    """Remove an address; if it was the default, the next one gets the star; ``gone``
    ends what was sent to it.

    Returns the new default (None when no address is left).
    """
    client = email.client
    remaining = [e for e in _lock_emails(client) if e.pk != email.pk]
    was_default = ClientEmail.objects.filter(pk=email.pk, is_default=True).exists()
    address = email.address
    ClientEmail.objects.filter(pk=email.pk).delete()
    new_default = next((e for e in remaining if e.is_default), None)
    if was_default and remaining:
        new_default = remaining[0]
        new_default.is_default = True
        new_default.save(update_fields=["is_default"])
    revoked = gone(client, address) if gone else 0
    record(
        Action.CLIENT_EMAIL_REMOVED,
        practice=client.practice,
        actor=by,
        client=client,
        details={
            "address": address,
            "new_default": new_default.address if was_default and new_default else None,
            "links_revoked": revoked,
        },
    )
    return new_default


@transaction.atomic
def set_default_client_email(email: ClientEmail, *, by: Actor) -> ClientEmail:
    """Move the star: invitations and resets go to this address from now on."""
    client = email.client
    emails = _lock_emails(client)
    previous = next((e for e in emails if e.is_default), None)
    if previous is not None and previous.pk == email.pk:
        return email
    # Two steps: the "one default per client" constraint holds after each.
    ClientEmail.objects.filter(client=client, is_default=True).update(is_default=False)
    ClientEmail.objects.filter(pk=email.pk).update(is_default=True)
    email.is_default = True
    record(
        Action.CLIENT_DEFAULT_EMAIL_CHANGED,
        practice=client.practice,
        actor=by,
        client=client,
        details={
            "old_address": previous.address if previous else None,
            "new_address": email.address,
        },
    )
    return email


@transaction.atomic
def confirm_client_email(email: ClientEmail, *, by: Actor) -> ClientEmail:
    """Staff checked a bounced address with the client: clear the bounce mark."""
    if email.bounced_at is None:
        return email
    bounced_at, reason = email.bounced_at, email.bounce_reason
    email.bounced_at = None
    email.bounce_reason = ""
    email.save(update_fields=["bounced_at", "bounce_reason"])
    record(
        Action.CLIENT_EMAIL_CONFIRMED,
        practice=email.client.practice,
        actor=by,
        client=email.client,
        details={
            "address": email.address,
            "bounced_at": bounced_at.isoformat(),
            "bounce_reason": reason,
        },
    )
    return email


@transaction.atomic
def archive_client(client: Client, *, by: Actor) -> Client:
    """Hide the client from the list (kept, with its history; can be undone)."""
    if client.archived_at is not None:
        return client
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at", "updated_at"])
    record(Action.CLIENT_ARCHIVED, practice=client.practice, actor=by, client=client)
    return client


@transaction.atomic
def unarchive_client(client: Client, *, by: Actor) -> Client:
    if client.archived_at is None:
        return client
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])
    record(Action.CLIENT_UNARCHIVED, practice=client.practice, actor=by, client=client)
    return client
