"""The fields a client can change in the portal, by name, with the words staff read.

Client fields are named as on ``Client`` ("address_line1"); insurance fields as
``insurance.<rank>.<attribute>`` ("insurance.primary.member_id"). These names are
what ``ProfileChange.field`` and the audit log hold.
"""

from __future__ import annotations

from portico.clients.actions import PROFILE_FIELDS
from portico.profiles.models import PolicyRank

CLIENT_FIELDS: dict[str, str] = {
    "preferred_name": "Preferred name",
    "pronouns": "Pronouns",
    "phone": "Phone",
    "address_line1": "Address line 1",
    "address_line2": "Address line 2",
    "city": "City",
    "region": "State or region",
    "postal_code": "ZIP or postal code",
    "country": "Country",
    "emergency_contact_name": "Emergency contact: name",
    "emergency_contact_phone": "Emergency contact: phone",
    "emergency_contact_relationship": "Emergency contact: relationship",
}
assert set(PROFILE_FIELDS) <= set(CLIENT_FIELDS)  # noqa: S101 (a wiring check at import)

INSURANCE_ATTRIBUTES: dict[str, str] = {
    "payer_name": "insurance company",
    "member_id": "member ID",
    "group_number": "group number",
    "holder_name": "policy holder's name",
    "holder_relationship": "policy holder's relationship to the client",
    "card_front": "card photo (front)",
    "card_back": "card photo (back)",
}
TEXT_ATTRIBUTES = ("payer_name", "member_id", "group_number", "holder_name", "holder_relationship")
CARD_SIDES = ("card_front", "card_back")


def insurance_field(rank: str, attribute: str) -> str:
    return f"insurance.{rank}.{attribute}"


def split_insurance_field(name: str) -> tuple[str, str] | None:
    """("primary", "member_id") for "insurance.primary.member_id"; None for a client field."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "insurance" and parts[2] in INSURANCE_ATTRIBUTES:
        return parts[1], parts[2]
    return None


def field_label(name: str) -> str:
    """ "Address line 1", "Primary insurance: member ID"."""
    if name in CLIENT_FIELDS:
        return CLIENT_FIELDS[name]
    split = split_insurance_field(name)
    if split is None:
        return name
    rank, attribute = split
    return f"{PolicyRank(rank).label}: {INSURANCE_ATTRIBUTES[attribute]}"


def is_card_field(name: str) -> bool:
    split = split_insurance_field(name)
    return split is not None and split[1] in CARD_SIDES
