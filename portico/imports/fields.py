"""The fields a column can fill, and a first guess from the file's column names."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    required: bool
    help: str
    aliases: frozenset[str]


def _aliases(*names: str) -> frozenset[str]:
    return frozenset(_key(name) for name in names)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


TARGETS: tuple[Target, ...] = (
    Target(
        "first_name",
        "First name",
        True,
        "",
        _aliases("first name", "firstname", "first", "given name", "forename", "prénom", "vorname"),
    ),
    Target(
        "last_name",
        "Last name",
        True,
        "",
        _aliases("last name", "lastname", "last", "surname", "family name", "nom", "nachname"),
    ),
    Target(
        "preferred_name",
        "Preferred name",
        False,
        "",
        _aliases("preferred name", "preferred", "nickname", "goes by", "known as"),
    ),
    Target(
        "date_of_birth",
        "Date of birth",
        True,
        "MM/DD/YYYY or YYYY-MM-DD.",
        _aliases("date of birth", "dob", "birth date", "birthdate", "birthday", "born"),
    ),
    Target(
        "emails",
        "Email addresses",
        False,
        "One address, or several separated by ; (the first becomes the default).",
        _aliases("email", "emails", "e-mail", "email address", "email addresses", "mail"),
    ),
    Target(
        "phone",
        "Phone",
        False,
        "",
        _aliases("phone", "phone number", "mobile", "cell", "telephone", "tel", "mobile phone"),
    ),
    Target(
        "external_id",
        "External id",
        False,
        "The client’s id in the other system. Rows with an id already on file update "
        "that client; importing the same file again changes nothing.",
        _aliases(
            "external id", "id", "client id", "patient id", "mrn", "record number", "chart number"
        ),
    ),
    Target(
        "contact_first_name",
        "Minor’s contact: first name",
        False,
        "A parent or guardian of a client under the age of majority.",
        _aliases(
            "contact first name", "guardian first name", "parent first name", "guardian first"
        ),
    ),
    Target(
        "contact_last_name",
        "Minor’s contact: last name",
        False,
        "",
        _aliases("contact last name", "guardian last name", "parent last name", "guardian last"),
    ),
    Target(
        "contact_email",
        "Minor’s contact: email",
        False,
        "With an address the contact gets portal access (no invitation is sent by the import).",
        _aliases("contact email", "guardian email", "parent email", "guardian e-mail"),
    ),
)
TARGET_NAMES = tuple(target.name for target in TARGETS)
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
