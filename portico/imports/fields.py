"""The fields a column can fill, and a first guess from the file's column names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Target:
    name: str
    label: StrOrPromise
    required: bool
    help: StrOrPromise
    aliases: frozenset[str]


def _aliases(*names: str) -> frozenset[str]:
    return frozenset(_key(name) for name in names)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


TARGETS: tuple[Target, ...] = (
    Target(
        "first_name",
        pgettext_lazy("staff", "First name"),
        True,
        "",
        _aliases("first name", "firstname", "first", "given name", "forename", "prénom", "vorname"),
    ),
    Target(
        "last_name",
        pgettext_lazy("staff", "Last name"),
        True,
        "",
        _aliases("last name", "lastname", "last", "surname", "family name", "nom", "nachname"),
    ),
    Target(
        "preferred_name",
        pgettext_lazy("staff", "Preferred name"),
        False,
        "",
        _aliases("preferred name", "preferred", "nickname", "goes by", "known as"),
    ),
    Target(
        "date_of_birth",
        pgettext_lazy("staff", "Date of birth"),
        True,
        pgettext_lazy("staff", "MM/DD/YYYY or YYYY-MM-DD."),
        _aliases("date of birth", "dob", "birth date", "birthdate", "birthday", "born"),
    ),
    Target(
        "emails",
        pgettext_lazy("staff", "Email addresses"),
        False,
        pgettext_lazy(
            "staff", "One address, or several separated by ; (the first becomes the default)."
        ),
        _aliases("email", "emails", "e-mail", "email address", "email addresses", "mail"),
    ),
    Target(
        "phone",
        pgettext_lazy("staff", "Phone"),
        False,
        "",
        _aliases("phone", "phone number", "mobile", "cell", "telephone", "tel", "mobile phone"),
    ),
    Target(
        "external_id",
        pgettext_lazy("staff", "External id"),
        False,
        pgettext_lazy(
            "staff",
            "The client’s id in the other system. Rows with an id already on file update "
            "that client; importing the same file again changes nothing.",
        ),
        _aliases(
            "external id", "id", "client id", "patient id", "mrn", "record number", "chart number"
        ),
    ),
    Target(
        "contact_first_name",
        pgettext_lazy("staff", "Minor’s contact: first name"),
        False,
        pgettext_lazy("staff", "A parent or guardian of a client under the age of majority."),
        _aliases(
            "contact first name", "guardian first name", "parent first name", "guardian first"
        ),
    ),
    Target(
        "contact_last_name",
        pgettext_lazy("staff", "Minor’s contact: last name"),
        False,
        "",
        _aliases("contact last name", "guardian last name", "parent last name", "guardian last"),
    ),
    Target(
        "contact_email",
        pgettext_lazy("staff", "Minor’s contact: email"),
        False,
        pgettext_lazy(
            "staff",
            "With an address the contact gets portal access (no invitation is sent by the import).",
        ),
        _aliases("contact email", "guardian email", "parent email", "guardian e-mail"),
    ),
)
TARGET_NAMES = tuple(target.name for target in TARGETS)
# Each detail's name inside a sentence: "Choose the columns for first name, last name: …",
# "Matched by external id: phone, date of birth."
IN_A_SENTENCE: dict[str, StrOrPromise] = {
    "first_name": pgettext_lazy("staff", "first name"),
    "last_name": pgettext_lazy("staff", "last name"),
    "preferred_name": pgettext_lazy("staff", "preferred name"),
    "date_of_birth": pgettext_lazy("staff", "date of birth"),
    "emails": pgettext_lazy("staff", "email addresses"),
    "phone": pgettext_lazy("staff", "phone"),
    "external_id": pgettext_lazy("staff", "external id"),
    "contact_first_name": pgettext_lazy("staff", "contact first name"),
    "contact_last_name": pgettext_lazy("staff", "contact last name"),
    "contact_email": pgettext_lazy("staff", "contact email"),
}


def in_a_sentence(name: str) -> str:
    """A detail's name inside a sentence ("date of birth"); the field name if unknown."""
    return str(IN_A_SENTENCE.get(name, name.replace("_", " ")))


REQUIRED = tuple(target.name for target in TARGETS if target.required)
CONTACT_FIELDS = ("contact_first_name", "contact_last_name", "contact_email")


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Target -> column index for every column whose name we recognise (each used once)."""
    keys = [_key(header) for header in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for target in TARGETS:
        for index, key in enumerate(keys):
            if index not in used and key in target.aliases:
                mapping[target.name] = index
                used.add(index)
                break
    return mapping
