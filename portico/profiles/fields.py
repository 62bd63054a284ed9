"""The fields a client can change in the portal, by name, with the words staff read.

Client fields are named as on ``Client`` ("address_line1"); insurance fields as
``insurance.<rank>.<attribute>`` ("insurance.primary.member_id"). These names are
what ``ProfileChange.field`` and the audit log hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import pgettext, pgettext_lazy

from portico.clients.actions import PROFILE_FIELDS
from portico.profiles.models import PolicyRank

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

CLIENT_FIELDS: dict[str, StrPromise] = {
    "preferred_name": pgettext_lazy("staff", "Preferred name"),
    "pronouns": pgettext_lazy("staff", "Pronouns"),
    "phone": pgettext_lazy("staff", "Phone"),
    "address_line1": pgettext_lazy("staff", "Address line 1"),
    "address_line2": pgettext_lazy("staff", "Address line 2"),
    "city": pgettext_lazy("staff", "City"),
    "region": pgettext_lazy("staff", "State or region"),
    "postal_code": pgettext_lazy("staff", "ZIP or postal code"),
    "country": pgettext_lazy("staff", "Country"),
    "emergency_contact_name": pgettext_lazy("staff", "Emergency contact: name"),
    "emergency_contact_phone": pgettext_lazy("staff", "Emergency contact: phone"),
    "emergency_contact_relationship": pgettext_lazy("staff", "Emergency contact: relationship"),
}
assert set(PROFILE_FIELDS) <= set(CLIENT_FIELDS)  # noqa: S101 (a wiring check at import)

INSURANCE_ATTRIBUTES: dict[str, StrPromise] = {
    "payer_name": pgettext_lazy("staff", "insurance company"),
    "member_id": pgettext_lazy("staff", "member ID"),
    "group_number": pgettext_lazy("staff", "group number"),
    "holder_name": pgettext_lazy("staff", "policy holder's name"),
    "holder_relationship": pgettext_lazy("staff", "policy holder's relationship to the client"),
    "card_front": pgettext_lazy("staff", "card photo (front)"),
    "card_back": pgettext_lazy("staff", "card photo (back)"),
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
        return str(CLIENT_FIELDS[name])
    split = split_insurance_field(name)
    if split is None:
        return name
    rank, attribute = split
    return pgettext("staff", "%(insurance)s: %(field)s") % {
        "insurance": PolicyRank(rank).label,
        "field": INSURANCE_ATTRIBUTES[attribute],
    }


def is_card_field(name: str) -> bool:
    split = split_insurance_field(name)
    return split is not None and split[1] in CARD_SIDES
