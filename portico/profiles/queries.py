"""Reads of profiles and insurance: scoped lookups (404 outside), pending changes, values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from portico.clients.models import Client
from portico.files.models import FilePurpose, StoredFile
from portico.practices.models import Practice
from portico.profiles.fields import CLIENT_FIELDS, TEXT_ATTRIBUTES, insurance_field
from portico.profiles.models import (
    ChangeStatus,
    HolderRelationship,
    InsurancePolicy,
    PolicyRank,
    ProfileChange,
)


def pending_changes(client: Client) -> list[ProfileChange]:
    return list(
        ProfileChange.objects.filter(client=client, status=ChangeStatus.PENDING)
        .select_related("new_file", "requested_by")
        .order_by("requested_at", "id")
    )


def pending_by_field(client: Client) -> dict[str, ProfileChange]:
    return {change.field: change for change in pending_changes(client)}


def policies_of(client: Client) -> dict[str, InsurancePolicy]:
    """The client's policies by rank ("primary", "secondary")."""
    rows = InsurancePolicy.objects.filter(client=client).select_related("card_front", "card_back")
    return {policy.rank: policy for policy in rows}


def client_values(client: Client) -> dict[str, str]:
    return {name: str(getattr(client, name) or "") for name in CLIENT_FIELDS}


def policy_values(policy: InsurancePolicy | None) -> dict[str, str]:
    if policy is None:
        return dict.fromkeys(TEXT_ATTRIBUTES, "")
    return {name: str(getattr(policy, name) or "") for name in TEXT_ATTRIBUTES}


def current_value(client: Client, field: str, policies: dict[str, InsurancePolicy]) -> Any:
    """What is on file now for ``field``: text, or a StoredFile for a card photo."""
    if field in CLIENT_FIELDS:
        return getattr(client, field)
    _, rank, attribute = field.split(".")
    policy = policies.get(rank)
    return getattr(policy, attribute) if policy is not None else None


@dataclass(frozen=True)
class ChangeRow:
    """One line of the review page: the field, what is on file, what was asked for."""

    change: ProfileChange
    label: str
    is_card: bool
    current: Any  # text, or a StoredFile for a card photo (None: nothing on file)
    requested: Any


def _shown(field: str, value: Any) -> Any:
    if field.endswith(".holder_relationship") and value:
        return dict(HolderRelationship.choices).get(value, value)
    return value


def review_rows(client: Client) -> list[ChangeRow]:
    from portico.profiles.fields import field_label, is_card_field

    policies = policies_of(client)
    rows = []
    for change in pending_changes(client):
        card = is_card_field(change.field)
        rows.append(
            ChangeRow(
                change=change,
                label=field_label(change.field),
                is_card=card,
                current=_shown(change.field, current_value(client, change.field, policies)),
                requested=change.new_file if card else _shown(change.field, change.new_value),
            )
        )
    return rows


def has_primary(client: Client) -> bool:
    """A primary policy on file, or one waiting for review."""
    return (
        InsurancePolicy.objects.filter(client=client, rank=PolicyRank.PRIMARY).exists()
        or ProfileChange.objects.filter(
            client=client,
            status=ChangeStatus.PENDING,
            field__startswith=insurance_field(PolicyRank.PRIMARY, ""),
        ).exists()
    )


@dataclass(frozen=True)
class PendingClient:
    client: Client
    count: int
    oldest: Any


def clients_with_pending_changes(practice: Practice) -> list[PendingClient]:
    """The practice's clients with changes to review, the longest waiting first."""
    pending = Q(profile_changes__status=ChangeStatus.PENDING)
    rows = (
        Client.objects.filter(practice=practice)
        .filter(pending)
        .annotate(pending_count=Count("profile_changes", filter=pending))
        .annotate(oldest=Min("profile_changes__requested_at", filter=pending))
        .order_by("oldest", "id")[:500]
    )
    return [PendingClient(row, row.pending_count, row.oldest) for row in rows]


def pending_count(client: Client) -> int:
    return ProfileChange.objects.filter(client=client, status=ChangeStatus.PENDING).count()


def get_change_for_staff(client: Client, change_id: Any) -> ProfileChange:
    """One change of a client already looked up with ``get_client_for_staff``; else 404."""
    change = ProfileChange.objects.filter(
        client=client, practice_id=client.practice_id, public_id=change_id
    ).first()
    if change is None:
        raise Http404("No such change.")
    return change


def client_card_files(client: Client) -> QuerySet[StoredFile]:
    return StoredFile.objects.filter(
        practice_id=client.practice_id, client=client, purpose=FilePurpose.INSURANCE_CARD
    )


def get_card_file(client: Client, file_id: Any) -> StoredFile:
    """A card photo of ``client`` (on file or waiting for review); else 404.

    The caller has already checked who may act for ``client`` (portal access row,
    or staff capability) and that the feature is on.
    """
    found = client_card_files(client).filter(public_id=file_id).first()
    if found is None:
        raise Http404("No such file.")
    return found
