"""Writes for a client's contacts (guardians, parents, partners) and their consent.

Every function is one transaction and one audit event. Nothing here knows about
portal access: the writes that also change it (a new address, access turned
off, a removed contact) are composed in ``portico.access.people``, which passes
``after_change`` to end the links and the access in the same transaction, and
gets the number of links it revoked into this audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.emails import normalize_email
from portico.clients.models import Client, Contact

ConsentKind = Literal["telehealth", "treatment"]
CONSENT_KINDS: tuple[ConsentKind, ...] = ("telehealth", "treatment")

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "relationship",
    "relationship_note",
    "email",
    "phone",
    "is_primary",
    "email_notifications_enabled",
)
_TEXT_FIELDS = {"first_name", "last_name", "relationship_note", "phone"}

NEEDS_EMAIL = pgettext_lazy(
    "staff", "Portal access needs an email address: the invitation goes there."
)
# Called inside the write with (contact, old email); returns the links it revoked.
AfterChange = Callable[[Contact, str], int]


def _clean(name: str, value: Any) -> Any:
    if name == "email":
        return normalize_email(value) if str(value).strip() else ""
    if name in _TEXT_FIELDS:
        return str(value).strip()
    return value


def _check(contact: Contact, *, needs_email: bool) -> None:
    if needs_email and not contact.email:
        raise ValidationError({"email": NEEDS_EMAIL}, code="needs_email")
    contact.full_clean(exclude=["practice", "client"])


def _summary(contact: Contact) -> dict[str, Any]:
    return {
        "contact": str(contact.public_id),
        "name": contact.full_name,
        "relationship": contact.relationship,
        "email": contact.email,
        "primary": contact.is_primary,
        "email_notifications": contact.email_notifications_enabled,
    }


@transaction.atomic
def add_contact(
    client: Client,
    *,
    by: Actor,
    first_name: str,
    last_name: str,
    relationship: str,
    relationship_note: str = "",
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
    email_notifications_enabled: bool = True,
    needs_email: bool = False,
    audit_extra: dict[str, Any] | None = None,
) -> Contact:
    """Add a contact to the client. Nothing is sent: invitations are a separate step.

    ``needs_email``: the caller gives them portal access, which needs an address.
    """
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "relationship": relationship,
        "relationship_note": relationship_note,
        "email": email,
        "phone": phone,
        "is_primary": is_primary,
        "email_notifications_enabled": email_notifications_enabled,
    }
    contact = Contact(
        practice_id=client.practice_id,
        client=client,
        **{name: _clean(name, value) for name, value in values.items()},
    )
    _check(contact, needs_email=needs_email)
    contact.save()
    record(
        Action.CONTACT_ADDED,
        practice=client.practice,
        actor=by,
        client=client,
        details=_summary(contact) | (audit_extra or {}),
    )
    return contact


def _lock(contact: Contact) -> Contact:
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    for name in (*CONTACT_FIELDS, "removed_at", "bounced_at", "bounce_reason"):
        setattr(contact, name, getattr(locked, name))
    for kind in CONSENT_KINDS:
        setattr(contact, f"{kind}_consent_at", getattr(locked, f"{kind}_consent_at"))
        setattr(contact, f"{kind}_consent_by_id", getattr(locked, f"{kind}_consent_by_id"))
    return contact


@transaction.atomic
def update_contact(
    contact: Contact,
    *,
    by: Actor,
    needs_email: bool = False,
    also_changed: Sequence[str] = (),
    after_change: AfterChange | None = None,
    **changes: Any,
) -> list[str]:
    """Change a contact's details; returns the names of the fields that changed.

    ``also_changed``: fields the caller changed elsewhere (portal access), named
    in the same audit event; ``after_change`` ends what a new address must end.
    """
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Not a contact detail: {sorted(unknown)}")
    _lock(contact)
    old_email = contact.email
    changed: list[str] = []
    for name, value in changes.items():
        value = _clean(name, value)
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)
    if not changed and not also_changed:
        return []
    _check(contact, needs_email=needs_email)
    update_fields = list(changed)
    if "email" in changed:
        contact.bounced_at = None
        contact.bounce_reason = ""
        update_fields += ["bounced_at", "bounce_reason"]
    if update_fields:
        contact.save(update_fields=update_fields)
    changed += list(also_changed)
    details: dict[str, Any] = {
        "contact": str(contact.public_id),
        "name": contact.full_name,
        "fields": changed,
    }
    if "email" in changed:
        details |= {"old_email": old_email, "new_email": contact.email}
    revoked = after_change(contact, old_email) if after_change else 0
    if revoked:
        details["links_revoked"] = revoked
    record(
        Action.CONTACT_CHANGED,
        practice=contact.client.practice,
        actor=by,
        client=contact.client,
        details=details,
    )
    return changed


@transaction.atomic
def remove_contact(
    contact: Contact, *, by: Actor, after_change: AfterChange | None = None
) -> Contact:
    """Take the contact off the client (kept for the history); ``after_change`` ends
    their access and links."""
    _lock(contact)
    if contact.removed_at is not None:
        return contact
    contact.removed_at = timezone.now()
    contact.save(update_fields=["removed_at"])
    revoked = after_change(contact, contact.email) if after_change else 0
    record(
        Action.CONTACT_REMOVED,
        practice=contact.client.practice,
        actor=by,
        client=contact.client,
        details={"contact": str(contact.public_id), "name": contact.full_name}
        | ({"links_revoked": revoked} if revoked else {}),
    )
    return contact


@transaction.atomic
def record_consent(contact: Contact, *, kind: ConsentKind, given: bool, by: Actor) -> bool:
    """Record (``given=True``) or withdraw a consent, with who and when; False if unchanged."""
    if kind not in CONSENT_KINDS:
        raise ValueError(f"Not a kind of consent: {kind!r}")
    _lock(contact)
    at_field, by_field = f"{kind}_consent_at", f"{kind}_consent_by"
    if (getattr(contact, at_field) is not None) == given:
        return False
    setattr(contact, at_field, timezone.now() if given else None)
    setattr(contact, by_field, by.user if given else None)
    contact.save(update_fields=[at_field, by_field])
    record(
        Action.CONSENT_RECORDED if given else Action.CONSENT_WITHDRAWN,
        practice=contact.client.practice,
        actor=by,
        client=contact.client,
        details={"contact": str(contact.public_id), "name": contact.full_name, "kind": kind},
    )
    return True
