"""The dry run: what importing each row would do, decided without writing anything.

Three steps, each usable alone:

- ``parse``: one row's cells into values, with the same rules as the staff forms
  (``DateOfBirthField``, ``normalize_email`` and its typo hint, ``clean_phone``);
  no database.
- ``parse_file``: every row, plus what only the whole file shows (an external id
  or a person twice).
- ``decide``: each parsed row against the clients on file (``OnFile``): add,
  update (matched by external id, or by name and date of birth), no change, or why not.

The dry run runs all three on the whole file; the import task runs ``decide``
again per chunk, against the database as it is then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import npgettext, pgettext

from portico.clients.emails import normalize_email, suggest_email_fix
from portico.clients.forms import DateOfBirthField, clean_phone
from portico.clients.minors import is_minor_by_birth
from portico.clients.models import Client, ClientEmail, Contact
from portico.imports.fields import CONTACT_FIELDS, TARGET_NAMES, in_a_sentence
from portico.imports.models import Outcome
from portico.imports.reading import Record
from portico.practices.models import Practice

NAME_MAX = 80
EXTERNAL_ID_MAX = 100
DETAIL_NAMES = ("first_name", "last_name", "preferred_name", "date_of_birth", "phone")

NameKey = tuple[str, str, date]
# How a row was matched to a client on file (``_match``).
BY_EXTERNAL_ID = "external_id"
BY_NAME = "name"


@dataclass
class Parsed:
    """One row of the file, read: its values, or the reasons it cannot be imported."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def name_key(self) -> NameKey | None:
        dob = self.values.get("date_of_birth")
        if self.problems or not isinstance(dob, date):
            return None
        return (self.values["first_name"].lower(), self.values["last_name"].lower(), dob)

    @property
    def external_id(self) -> str:
        return str(self.values.get("external_id", ""))

    @property
    def has_contact(self) -> bool:
        return bool(self.values.get("contact_first_name") or self.values.get("contact_last_name"))


@dataclass
class Decision:
    """What importing one row does (or would do), in words staff read."""

    number: int
    outcome: Outcome
    message: str = ""
    client_id: int | None = None
    parsed: Parsed | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    new_emails: list[str] = field(default_factory=list)
    add_contact: bool = False


# --- one row ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _domain_hint(domain: str) -> str | None:
    """The typo hint's domain for ``domain`` (cached: a list has few distinct domains)."""
    fixed = suggest_email_fix(f"x@{domain}")
    return fixed.partition("@")[2] if fixed else None


def _email(typed: str, *, contact: bool, keep_typos: bool) -> tuple[str | None, str | None]:
    """(normalized address, None) or (None, why it is refused); ``contact``: the contact's."""
    try:
        address = normalize_email(typed)
    except ValidationError as error:
        reason = (error.params or {}).get("reason", error.messages[0])
        if contact:
            text = pgettext("staff", "The contact’s email %(address)s is not valid: %(reason)s")
        else:
            text = pgettext("staff", "Email address %(address)s is not valid: %(reason)s")
        return None, text % {"address": typed, "reason": reason}
    local, _, domain = address.rpartition("@")
    hint = None if keep_typos else _domain_hint(domain)
    if hint:
        if contact:
            text = pgettext(
                "staff",
                "The contact’s email %(address)s looks mistyped: did you mean %(suggestion)s? "
                "Correct it in the file, or choose “Import addresses that look mistyped as "
                "they are”.",
            )
        else:
            text = pgettext(
                "staff",
                "Email address %(address)s looks mistyped: did you mean %(suggestion)s? "
                "Correct it in the file, or choose “Import addresses that look mistyped as "
                "they are”.",
            )
        return None, text % {"address": address, "suggestion": f"{local}@{hint}"}
    return address, None


def _date_of_birth(text: str, field_: DateOfBirthField) -> tuple[date | None, str | None]:
    try:
        return field_.to_python(text), None
    except ValidationError as error:
        # Never the typed date in the message: results are stored and downloaded.
        if error.code == "not_a_date":
            return None, pgettext(
                "staff",
                "The date of birth is not a real date: "
                "use MM/DD/YYYY, for example 07/04/1985 or YYYY-MM-DD.",
            )
        if error.code == "format":
            return None, pgettext(
                "staff",
                "The date of birth is not in a format we read: "
                "use MM/DD/YYYY, for example 07/04/1985 or YYYY-MM-DD.",
            )
        return None, error.messages[0]


def parse(
    record: Record,
    mapping: Mapping[str, int],
    *,
    width: int,
    dob_field: DateOfBirthField,
    keep_typos: bool = False,
) -> Parsed:
    row = Parsed(record.number)
    cells = record.cells
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        row.problems.append(
            pgettext(
                "staff",
                "This row has %(cells)d cells but the header names %(columns)d columns: "
                "a separator or a quote is probably missing.",
            )
            % {"cells": len(cells), "columns": width}
        )
        return row
    text = {
        name: cells[index].strip() if index < len(cells) else "" for name, index in mapping.items()
    }
    if not text.get("first_name"):
        row.problems.append(pgettext("staff", "First name is missing."))
    if not text.get("last_name"):
        row.problems.append(pgettext("staff", "Last name is missing."))
    too_long = {
        "first_name": pgettext("staff", "First name is longer than %(limit)d characters."),
        "last_name": pgettext("staff", "Last name is longer than %(limit)d characters."),
        "preferred_name": pgettext("staff", "Preferred name is longer than %(limit)d characters."),
        "contact_first_name": pgettext(
            "staff", "The contact’s first name is longer than %(limit)d characters."
        ),
        "contact_last_name": pgettext(
            "staff", "The contact’s last name is longer than %(limit)d characters."
        ),
    }
    for name, sentence in too_long.items():
        if len(text.get(name, "")) > NAME_MAX:
            row.problems.append(sentence % {"limit": NAME_MAX})
    if not text.get("date_of_birth"):
        row.problems.append(pgettext("staff", "Date of birth is missing."))
    else:
        dob, problem = _date_of_birth(text["date_of_birth"], dob_field)
        row.values["date_of_birth"] = dob
        if problem:
            row.problems.append(problem)
    for typed in dict.fromkeys(part.strip() for part in text.get("emails", "").split(";")):
        if typed:
            address, problem = _email(typed, contact=False, keep_typos=keep_typos)
            if problem:
                row.problems.append(problem)
            elif address not in row.emails:
                row.emails.append(str(address))
    if text.get("phone"):
        try:
            row.values["phone"] = clean_phone(text["phone"])
        except ValidationError as error:
            row.problems.append(
                pgettext("staff", "Phone: %(problem)s") % {"problem": error.messages[0]}
            )
    if len(text.get("external_id", "")) > EXTERNAL_ID_MAX:
        row.problems.append(
            pgettext("staff", "External id is longer than %(limit)d characters.")
            % {"limit": EXTERNAL_ID_MAX}
        )
    _parse_contact(row, text, keep_typos=keep_typos)
    for name in ("first_name", "last_name", "preferred_name", "external_id"):
        if text.get(name):
            row.values[name] = text[name]
    return row


def _parse_contact(row: Parsed, text: dict[str, str], *, keep_typos: bool) -> None:
    given = {name: text.get(name, "") for name in CONTACT_FIELDS}
    if not any(given.values()):
        return
    if not given["contact_first_name"] or not given["contact_last_name"]:
        row.problems.append(pgettext("staff", "The contact needs a first and a last name."))
    if given["contact_email"]:
        address, problem = _email(given["contact_email"], contact=True, keep_typos=keep_typos)
        if problem:
            row.problems.append(problem)
        row.values["contact_email"] = address or ""
    row.values["contact_first_name"] = given["contact_first_name"]
    row.values["contact_last_name"] = given["contact_last_name"]


# --- the whole file -----------------------------------------------------------------------


def parse_file(
    records: Iterable[Record],
    mapping: Mapping[str, int],
    *,
    width: int,
    today: date,
    practice: Practice,
    keep_typos: bool = False,
) -> list[Parsed]:
    """Every row parsed; an external id or a person seen earlier in the file is refused."""
    dob_field = DateOfBirthField(today=today, required=False)
    mapping = {name: index for name, index in mapping.items() if name in TARGET_NAMES}
    rows: list[Parsed] = []
    by_id: dict[str, int] = {}
    by_name: dict[NameKey, int] = {}
    for record in records:
        row = parse(record, mapping, width=width, dob_field=dob_field, keep_typos=keep_typos)
        dob = row.values.get("date_of_birth")
        adult = isinstance(dob, date) and not is_minor_by_birth(practice, dob, today)
        if row.has_contact and adult and not row.problems:
            row.problems.append(
                pgettext(
                    "staff",
                    "The contact columns are for a minor’s parent or guardian, and this "
                    "client is not a minor: add other contacts on the client’s page.",
                )
            )
        external_id = row.external_id
        if external_id:
            if external_id in by_id:
                row.problems.append(
                    pgettext("staff", "External id %(external_id)s is also on row %(row)d.")
                    % {"external_id": external_id, "row": by_id[external_id]}
                )
            else:
                by_id[external_id] = row.number
        key = row.name_key
        if key is not None and not external_id:
            if key in by_name:
                row.problems.append(
                    pgettext(
                        "staff",
                        "Same name and date of birth as row %(row)d, without an external id.",
                    )
                    % {"row": by_name[key]}
                )
            else:
                by_name[key] = row.number
        rows.append(row)
    return rows


# --- against the clients on file ----------------------------------------------------------


@dataclass
class OnFile:
    """The facts ``decide`` needs about the practice's clients, read in a few queries."""

    by_external_id: dict[str, dict[str, Any]]
    by_name: dict[NameKey, list[dict[str, Any]]]
    emails: dict[int, set[str]]
    contacts: dict[int, set[tuple[str, str]]]

    @classmethod
    def load(cls, practice: Practice, rows: list[Parsed] | None = None) -> OnFile:
        """All the practice's clients (the dry run), or only those ``rows`` may match."""
        clients = Client.objects.filter(practice=practice)
        if rows is not None:
            ids = {row.external_id for row in rows if row.external_id}
            last_names = {key[1] for row in rows if (key := row.name_key)}
            clients = clients.annotate(last_lower=Lower("last_name")).filter(
                Q(external_id__in=ids) | Q(last_lower__in=last_names)
            )
        facts = list(
            clients.values("pk", "external_id", "archived_at", *DETAIL_NAMES).order_by("pk")
        )
        by_external_id = {c["external_id"]: c for c in facts if c["external_id"]}
        by_name: dict[NameKey, list[dict[str, Any]]] = {}
        for c in facts:
            key = (c["first_name"].lower(), c["last_name"].lower(), c["date_of_birth"])
            by_name.setdefault(key, []).append(c)
        scope = {"client__in": [c["pk"] for c in facts]} if rows is not None else {}
        emails: dict[int, set[str]] = {}
        for client_id, address in ClientEmail.objects.filter(
            practice=practice, **scope
        ).values_list("client_id", "address"):
            emails.setdefault(client_id, set()).add(address.lower())
        contacts: dict[int, set[tuple[str, str]]] = {}
        for client_id, first, last in Contact.objects.filter(
            practice=practice, removed_at__isnull=True, **scope
        ).values_list("client_id", "first_name", "last_name"):
            contacts.setdefault(client_id, set()).add((first.lower(), last.lower()))
        return cls(by_external_id, by_name, emails, contacts)


def decide(row: Parsed, on_file: OnFile) -> Decision:
    if row.problems:
        return Decision(row.number, Outcome.ERROR, " ".join(row.problems), parsed=row)
    match, how = _match(row, on_file)
    if isinstance(match, str):
        return Decision(row.number, Outcome.ERROR, match, parsed=row)
    if match is None:
        return Decision(
            row.number,
            Outcome.CREATE,
            pgettext("staff", "New client."),
            parsed=row,
            add_contact=row.has_contact,
        )
    if match["archived_at"] is not None:
        if how == BY_EXTERNAL_ID:
            text = pgettext(
                "staff",
                "This row matches an archived client (by external id): "
                "restore them first to update them.",
            )
        else:
            text = pgettext(
                "staff",
                "This row matches an archived client (by name and date of birth): "
                "restore them first to update them.",
            )
        return Decision(row.number, Outcome.ERROR, text, client_id=match["pk"], parsed=row)
    decision = Decision(row.number, Outcome.UNCHANGED, client_id=match["pk"], parsed=row)
    # An empty cell never erases what is on file.
    decision.changes = {
        name: row.values[name]
        for name in (*DETAIL_NAMES, "external_id")
        if row.values.get(name) not in (None, "") and row.values[name] != match[name]
    }
    known = on_file.emails.get(match["pk"], set())
    decision.new_emails = [address for address in row.emails if address.lower() not in known]
    contact = (
        str(row.values.get("contact_first_name", "")).lower(),
        str(row.values.get("contact_last_name", "")).lower(),
    )
    decision.add_contact = row.has_contact and contact not in on_file.contacts.get(
        match["pk"], set()
    )
    if decision.changes or decision.new_emails or decision.add_contact:
        decision.outcome = Outcome.UPDATE
        if how == BY_EXTERNAL_ID:
            text = pgettext("staff", "Matched by external id: %(changes)s")
        else:
            text = pgettext("staff", "Matched by name and date of birth: %(changes)s")
        decision.message = text % {"changes": _what_changes(decision)}
    elif how == BY_EXTERNAL_ID:
        decision.message = pgettext("staff", "Matched by external id; already up to date.")
    else:
        decision.message = pgettext(
            "staff", "Matched by name and date of birth; already up to date."
        )
    return decision


def _match(row: Parsed, on_file: OnFile) -> tuple[dict[str, Any] | str | None, str]:
    """The client on file this row is about (None: a new one), or why it is ambiguous."""
    if row.external_id and row.external_id in on_file.by_external_id:
        return on_file.by_external_id[row.external_id], BY_EXTERNAL_ID
    key = row.name_key
    candidates = on_file.by_name.get(key, []) if key else []
    if row.external_id:
        # A client on file with another id is someone else of the same name.
        candidates = [c for c in candidates if not c["external_id"]]
    if len(candidates) > 1:
        return (
            pgettext(
                "staff",
                "%(count)d clients on file have this name and date of birth: give the "
                "row an external id, or add this client by hand.",
            )
            % {"count": len(candidates)}
        ), ""
    if candidates:
        return candidates[0], BY_NAME
    return None, ""


def _what_changes(decision: Decision) -> str:
    parts = [in_a_sentence(name) for name in decision.changes]
    if decision.new_emails:
        count = len(decision.new_emails)
        parts.append(
            npgettext(
                "staff", "%(count)d new email address(es)", "%(count)d new email address(es)", count
            )
            % {"count": count}
        )
    if decision.add_contact:
        parts.append(pgettext("staff", "a new contact"))
    return ", ".join(parts) + "."
