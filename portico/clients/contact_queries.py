"""Reads for the People tab and the coming-of-age reviews: scoped lookups and lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from portico.clients.models import Client, ComingOfAgeReview, Contact
from portico.clients.queries import get_client_for_staff
from portico.practices.roles import Can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portico.accounts.models import User
    from portico.practices.models import Practice


def current_contacts(client: Client) -> list[Contact]:
    """The client's contacts that were not removed, primary ones first, in one query."""
    return list(
        Contact.objects.filter(client=client, practice_id=client.practice_id, removed_at=None)
        .select_related("telehealth_consent_by", "treatment_consent_by")
        .order_by("-is_primary", "last_name", "first_name", "id")
    )


def get_contact_for_staff(
    user: User | AnonymousUser,
    practice: Practice,
    client_public_id: Any,
    contact_public_id: Any,
    *,
    capability: Can = Can.EDIT_CLIENTS,
) -> Contact:
    """A current contact of the client, both in ``practice``, if ``user`` may act; else 404."""
    client = get_client_for_staff(user, practice, client_public_id, capability=capability)
    contact = (
        Contact.objects.filter(
            practice=practice, client=client, public_id=contact_public_id, removed_at=None
        )
        .select_related("telehealth_consent_by", "treatment_consent_by")
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    contact.client = client
    return contact


def open_review_for(client: Client) -> ComingOfAgeReview | None:
    return ComingOfAgeReview.objects.filter(client=client, resolved_at=None).first()


def open_reviews(practice: Practice) -> list[ComingOfAgeReview]:
    return list(
        ComingOfAgeReview.objects.filter(practice=practice, resolved_at=None)
        .select_related("client")
        .order_by("came_of_age_on", "id")
    )


def open_review_count(practice: Practice) -> int:
    return ComingOfAgeReview.objects.filter(practice=practice, resolved_at=None).count()


def get_review_for_staff(
    user: User | AnonymousUser, practice: Practice, client_public_id: Any
) -> ComingOfAgeReview:
    """The client's latest coming-of-age review (open or resolved), or 404."""
    client = get_client_for_staff(user, practice, client_public_id, capability=Can.EDIT_CLIENTS)
    review = (
        ComingOfAgeReview.objects.filter(practice=practice, client=client)
        .order_by("-came_of_age_on", "-id")
        .first()
    )
    if review is None:
        raise Http404("No review for this client.")
    review.client = client
    return review
