"""Writes for a client's contacts (guardians, parents, partners) and their consent.

Every function is one transaction and one audit event. Whenever a contact's
email changes, their portal access is turned off or they are removed, the links
already sent to them die in the same transaction; when their access is turned off
or they are removed, their portal grant for this client ends too
(``portico.access.family.end_contact_access``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portico.access.family import end_contact_access
from portico.access.links import links_for_subject, revoke_live_links
from portico.access.models import RevokeReason
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.emails import normalize_email
from portico.clients.models import Client, ComingOfAgeReview, Contact

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
    "portal_access_enabled",
    "email_notifications_enabled",
)
_TEXT_FIELDS = {"first_name", "last_name", "relationship_note", "phone"}

NEEDS_EMAIL = "Portal access needs an email address: the invitation goes there."


def _clean(name: str, value: Any) -> Any:
    if name == "email":
        return normalize_email(value) if str(value).strip() else ""
    if name in _TEXT_FIELDS:
        return str(value).strip()
    return value


def _check(contact: Contact) -> None:
    if contact.portal_access_enabled and not contact.email:
        raise ValidationError({"email": NEEDS_EMAIL}, code="needs_email")
    contact.full_clean(exclude=["practice", "client"])


def _summary(contact: Contact) -> dict[str, Any]:
    return {
        "contact": str(contact.public_id),
        "name": contact.full_name,
        "relationship": contact.relationship,
        "email": contact.email,
        "primary": contact.is_primary,
        "portal_access": contact.portal_access_enabled,
        "email_notifications": contact.email_notifications_enabled,
    }


def _end_contact_links(contact: Contact, *, reason: RevokeReason) -> int:
    """Revoke the live links sent to this contact's old address; their account keeps working."""
    return revoke_live_links(
        links_for_subject(contact.client.practice, contact=contact), reason=reason
    )


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
    portal_access_enabled: bool = False,
    email_notifications_enabled: bool = True,
) -> Contact:
    """Add a contact to the client. Nothing is sent: invitations are a separate step."""
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "relationship": relationship,
        "relationship_note": relationship_note,
        "email": email,
        "phone": phone,
        "is_primary": is_primary,
        "portal_access_enabled": portal_access_enabled,
        "email_notifications_enabled": email_notifications_enabled,
    }
    contact = Contact(
        practice_id=client.practice_id,
        client=client,
        **{name: _clean(name, value) for name, value in values.items()},
    )
    _check(contact)
    contact.save()
    record(
        "contact.added",
        practice=client.practice,
        actor=by,
        client=client,
        details=_summary(contact),
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
def update_contact(contact: Contact, *, by: Actor, **changes: Any) -> list[str]:
    """Change a contact's details; returns the names of the fields that changed.

    A new email address or portal access turned off ends the links already sent.
    """
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Not a contact detail: {sorted(unknown)}")
    _lock(contact)
    old_email, had_access = contact.email, contact.portal_access_enabled
    changed: list[str] = []
    for name, value in changes.items():
        value = _clean(name, value)
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)
    if not changed:
        return []
    _check(contact)
    update_fields = list(changed)
    if "email" in changed:
        contact.bounced_at = None
        contact.bounce_reason = ""
        update_fields += ["bounced_at", "bounce_reason"]
    contact.save(update_fields=update_fields)
    details: dict[str, Any] = {
        "contact": str(contact.public_id),
        "name": contact.full_name,
        "fields": changed,
    }
    revoked = 0
    if "email" in changed:
        details |= {"old_email": old_email, "new_email": contact.email}
        revoked += _end_contact_links(contact, reason=RevokeReason.EMAIL_CHANGED)
    if had_access and not contact.portal_access_enabled:
        ended = end_contact_access(contact, by=by, reason=RevokeReason.ACCESS_DISABLED)
        revoked += ended.links_revoked
    if revoked:
        details["links_revoked"] = revoked
    record(
        "contact.changed",
        practice=contact.client.practice,
        actor=by,
        client=contact.client,
        details=details,
    )
    return changed


@transaction.atomic
def remove_contact(contact: Contact, *, by: Actor) -> Contact:
    """Take the contact off the client (kept for the history); their links stop working."""
    _lock(contact)
    if contact.removed_at is not None:
        return contact
    contact.removed_at = timezone.now()
    contact.save(update_fields=["removed_at"])
    revoked = end_contact_access(contact, by=by, reason=RevokeReason.CONTACT_REMOVED).links_revoked
    record(
        "contact.removed",
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
        "contact.consent.recorded" if given else "contact.consent.withdrawn",
        practice=contact.client.practice,
        actor=by,
        client=contact.client,
        details={"contact": str(contact.public_id), "name": contact.full_name, "kind": kind},
    )
    return True


# --- coming of age ----------------------------------------------------------------------


@transaction.atomic
def resolve_coming_of_age_review(
    review: ComingOfAgeReview,
    *,
    by: Actor,
    end_access_for: Sequence[Contact] = (),
    keep_access_for: Sequence[Contact] = (),
    invite_client: bool = False,
) -> dict[str, Any]:
    """Do what staff decided for a client who came of age, and close the review.

    Contacts in ``end_access_for`` lose portal access (as if staff turned it off);
    those in ``keep_access_for`` keep it. With ``invite_client``, the client's own
    portal access is turned on and the invitation sent (when that is refused — no
    address, send limit — the outcome says why and the review still closes).
    Returns the outcome kept on the review and in the audit log.
    """
    from portico.access.actions import AccessRefused, enable_portal_access, send_invite

    locked = ComingOfAgeReview.objects.select_for_update().get(pk=review.pk)
    if locked.resolved_at is not None:
        raise ValidationError("This review was already marked as reviewed.", code="resolved")
    client = review.client
    outcome: dict[str, Any] = {
        "kept_access": [contact.full_name for contact in keep_access_for],
        "ended_access": [contact.full_name for contact in end_access_for],
        "own_access": "unchanged",
    }
    for contact in end_access_for:
        update_contact(contact, by=by, portal_access_enabled=False)
    if invite_client:
        client.refresh_from_db(fields=["portal_access_enabled"])
        if not client.portal_access_enabled:
            enable_portal_access(client, by=by)
            outcome["own_access"] = "turned_on"
        else:
            outcome["own_access"] = "already_on"
        try:
            sent = send_invite(client, by=by)
        except AccessRefused as refused:
            outcome["invitation"] = f"not sent: {refused.message.rstrip('.')}"
        else:
            outcome["invitation"] = f"sent to {sent.link.email}"
    review.resolved_at = timezone.now()
    review.resolved_by = by.user
    review.outcome = outcome
    review.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    record(
        "client.coming_of_age.reviewed",
        practice=client.practice,
        actor=by,
        client=client,
        # Not the day they came of age: with the age of majority it gives the date of birth.
        details=outcome,
    )
    return outcome
