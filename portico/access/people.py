"""Writes on clients and contacts that also change portal access, in one transaction each.

The ``clients`` writes know nothing about access; these call them and do the
access part: give access when a client is added with it on (and invite), switch
it with the details form, end the links sent to an address that changed or went
away, give or end a contact's access, and resolve a coming-of-age review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from portico.access.actions import (
    AccessRefused,
    disable_portal_access,
    enable_portal_access,
    end_access,
    give_access,
    send_invite,
)
from portico.access.languages import check_language, set_language
from portico.access.limits import lock_access
from portico.access.links import live_links, revoke_live_links
from portico.access.models import AccessLink, PortalAccess, RevokeReason
from portico.access.queries import access_is_on, contact_access
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients import actions as client_actions
from portico.clients import contact_actions
from portico.clients.minors import is_minor
from portico.clients.models import Client, ClientEmail, ComingOfAgeReview, Contact
from portico.lib.localtime import practice_today
from portico.practices.models import Practice

PORTAL_FIELD = "portal_access_enabled"  # the name forms and audit events use for the switch


# --- clients ------------------------------------------------------------------------------


@transaction.atomic
def add_client(
    practice: Practice,
    *,
    by: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    emails: Sequence[str] = (),
    portal_access_enabled: bool | None = True,
    send_invitation: bool | None = None,
    **details: Any,
) -> Client:
    """Add a client, give them portal access if it is on, and invite them.

    ``portal_access_enabled=None``: the practice's rule, which the staff screen
    uses — on, except for a minor, whose parent or guardian uses the portal.

    ``send_invitation=None`` follows the practice's "invite on add" setting (what
    the staff screen and the API pass); True/False decide explicitly (imports,
    tests). The invitation is sent in this same transaction, so a failed add
    sends nothing.
    """
    language = details.pop("language", None)
    client = client_actions.add_client(
        practice,
        by=by,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        emails=emails,
        **details,
    )
    if language and language != client.language:
        # Before the invitation below, which is written in the client's language.
        client.language = check_language(language)
        client.save(update_fields=["language"])
    if portal_access_enabled is None:
        portal_access_enabled = not is_minor(client, practice_today(practice))
    if portal_access_enabled:
        give_access(client, at=timezone.now())
    invite = practice.invite_on_add if send_invitation is None else send_invitation
    if invite and emails and portal_access_enabled:
        send_invite(client, by=by)
    return client


@transaction.atomic
def update_client_details(client: Client, *, by: Actor, **changes: Any) -> list[str]:
    """The Personal information form: details, and the portal access switch with them."""
    wanted = changes.pop(PORTAL_FIELD, None)
    language = changes.pop("language", None)
    switched = wanted is not None and bool(wanted) != access_is_on(client)
    if switched:
        (enable_portal_access if wanted else disable_portal_access)(client, by=by)
    also = [PORTAL_FIELD] if switched else []
    if language and set_language(client, language=language, by=by, where="staff"):
        also.append("language")
    return client_actions.update_client_details(client, by=by, also_changed=also, **changes)


def _end_links_to(client: Client, address: str) -> int:
    """Live links sent to an address that changed or went away stop working."""
    links = AccessLink.objects.filter(
        practice_id=client.practice_id, access__client=client, email=address
    )
    return revoke_live_links(links, reason=RevokeReason.EMAIL_CHANGED)


def change_client_email(email: ClientEmail, *, by: Actor, address: str) -> ClientEmail:
    return client_actions.change_client_email(email, by=by, address=address, gone=_end_links_to)


def remove_client_email(email: ClientEmail, *, by: Actor) -> ClientEmail | None:
    return client_actions.remove_client_email(email, by=by, gone=_end_links_to)


# --- contacts -----------------------------------------------------------------------------


@transaction.atomic
def add_contact(
    client: Client, *, by: Actor, portal_access_enabled: bool = False, **values: Any
) -> Contact:
    """Add a contact, with portal access given when it is on (nothing is sent yet)."""
    language = values.pop("language", None)
    contact = contact_actions.add_contact(
        client,
        by=by,
        needs_email=portal_access_enabled,
        audit_extra={"portal_access": portal_access_enabled},
        **values,
    )
    if language:
        set_language(contact, language=language, by=by, where="staff")
    if portal_access_enabled:
        give_access(client, contact=contact, at=timezone.now())
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, by: Actor, **changes: Any) -> list[str]:
    """Change a contact; a new address ends the links sent to the old one, and access
    switched off ends their access to this client (links and account alike)."""
    wanted = changes.pop(PORTAL_FIELD, None)
    language = changes.pop("language", None)
    language_changed = bool(language) and set_language(
        contact, language=language, by=by, where="staff"
    )
    was_on = access_is_on(contact)
    on = was_on if wanted is None else bool(wanted)
    if on and not was_on:
        give_access(contact.client, contact=contact, at=timezone.now())

    def after_change(changed: Contact, old_email: str) -> int:
        access = contact_access(changed)
        revoked = 0
        if access is not None and changed.email != old_email:
            revoked += _revoke(access, RevokeReason.EMAIL_CHANGED)
        if access is not None and was_on and not on:
            revoked += end_access(access, by=by, reason=RevokeReason.ACCESS_DISABLED).links_revoked
            PortalAccess.objects.filter(pk=access.pk).update(enabled=False)
        return revoked

    return contact_actions.update_contact(
        contact,
        by=by,
        needs_email=on,
        also_changed=[
            *([PORTAL_FIELD] if on != was_on else []),
            *(["language"] if language_changed else []),
        ],
        after_change=after_change,
        **changes,
    )


def _revoke(access: PortalAccess, reason: RevokeReason) -> int:
    lock_access(access)
    return revoke_live_links(live_links(AccessLink.objects.filter(access=access)), reason=reason)


@transaction.atomic
def remove_contact(contact: Contact, *, by: Actor) -> Contact:
    """Take the contact off the client; their access to this client ends."""

    def after_change(removed: Contact, _old_email: str) -> int:
        access = contact_access(removed)
        if access is None:
            return 0
        PortalAccess.objects.filter(pk=access.pk).update(enabled=False)
        return end_access(access, by=by, reason=RevokeReason.CONTACT_REMOVED).links_revoked

    return contact_actions.remove_contact(contact, by=by, after_change=after_change)


# --- coming of age ------------------------------------------------------------------------


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
    locked = ComingOfAgeReview.objects.select_for_update().get(pk=review.pk)
    if locked.resolved_at is not None:
        raise ValidationError(
            pgettext("staff", "This review was already marked as reviewed."), code="resolved"
        )
    client = review.client
    outcome: dict[str, Any] = {
        "kept_access": [contact.full_name for contact in keep_access_for],
        "ended_access": [contact.full_name for contact in end_access_for],
        "own_access": "unchanged",
    }
    for contact in end_access_for:
        update_contact(contact, by=by, **{PORTAL_FIELD: False})
    if invite_client:
        outcome |= _invite_grown_up(client, by=by)
    review.resolved_at = timezone.now()
    review.resolved_by = by.user
    review.outcome = outcome
    review.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    record(
        Action.COMING_OF_AGE_REVIEWED,
        practice=client.practice,
        actor=by,
        client=client,
        # Not the day they came of age: with the age of majority it gives the date of birth.
        details=outcome,
    )
    return outcome


def _invite_grown_up(client: Client, *, by: Actor) -> dict[str, str]:
    outcome = {"own_access": "already_on"}
    if not access_is_on(client):
        enable_portal_access(client, by=by)
        outcome["own_access"] = "turned_on"
    try:
        sent = send_invite(client, by=by)
    except AccessRefused as refused:
        outcome["invitation"] = f"not sent: {refused.message.rstrip('.')}"
    else:
        outcome["invitation"] = f"sent to {sent.link.email}"
    return outcome
