"""The access-history CSV never hands a spreadsheet a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Client
from portico.lib.csv_safe import safe_cell, safe_row
from portico.practices.models import Practice, Role
from tests.cast import at, make_client, make_staff

EVIL_NAME = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    "text",
    ["=1+2", "+1+2", "-2+3", "@SUM(A1)", "\t=1+2", "\r=1+2", EVIL_NAME, "-", "@"],
)
def test_text_starting_like_a_formula_gets_a_quote_in_front(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Casey Client", "Mary=Jane", "a+b@example.com", "", " =1+2", "'already quoted"]
)
def test_ordinary_text_and_formula_characters_after_the_start_are_left_alone(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize("number", [-42, 0, 7, -1.5, Decimal("-3.25")])
def test_numbers_we_write_ourselves_stay_numbers_even_when_negative(number: object) -> None:
    assert safe_cell(number) is number
    assert safe_cell(None) is None


def test_a_row_is_escaped_cell_by_cell() -> None:
    assert safe_row(["-1", -1, "ok", "@x"]) == ["'-1", -1, "ok", "'@x"]


def _export(http: HttpClient, practice: Practice) -> list[list[str]]:
    response = http.get(at(practice, "audit:export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body, newline="")))


def test_a_client_named_like_a_formula_is_exported_as_text(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    evil = make_client(maple, owner, EVIL_NAME, "Client", emails=("evil@example.com",))
    rows = _export(owner_http, maple)
    added = next(r for r in rows if r[3] == "client.added" and r[4] == str(evil.public_id))
    assert added[5] == "'" + EVIL_NAME + " Client"
    assert not any(cell.startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize("first", ["@Mallory", "+Mallory", "-Mallory"])
def test_a_staff_name_starting_like_a_formula_is_exported_as_text(
    maple: Practice, owner: User, owner_http: HttpClient, casey: Client, first: str
) -> None:
    staff = make_staff(maple, owner, "mallory@maple.test", first, Role.FRONT_DESK)
    record("client.details_changed", practice=maple, actor=Actor.for_user(staff), client=casey)
    rows = _export(owner_http, maple)
    changed = next(r for r in rows if r[3] == "client.details_changed")
    assert changed[1] == f"'{first} Staff (front desk)"


@pytest.mark.parametrize("label", ["\tMallory", "\rMallory"])
def test_an_actor_label_starting_with_a_tab_or_carriage_return_is_exported_as_text(
    maple: Practice, owner_http: HttpClient, casey: Client, label: str
) -> None:
    # Names typed in the staff forms are stripped; a label from elsewhere (an
    # import, the API) may still start with white space that hides a formula.
    record("client.details_changed", practice=maple, actor=Actor(None, label), client=casey)
    changed = next(r for r in _export(owner_http, maple) if r[3] == "client.details_changed")
    assert changed[1] == "'" + label


def test_our_own_cells_times_codes_ids_and_details_are_unchanged(
    maple: Practice, owner: User, owner_http: HttpClient, casey: Client
) -> None:
    record(
        "access.invite.sent",
        practice=maple,
        actor=Actor.for_user(owner),
        client=casey,
        details={"email": "-dash@example.com", "n": -5},
    )
    invite = next(r for r in _export(owner_http, maple) if r[3] == "access.invite.sent")
    assert invite[0][:4].isdigit() and invite[0].endswith("Z")
    assert invite[1] == "Olivia Owner (owner)"
    assert invite[3] == "access.invite.sent"
    assert invite[4] == str(casey.public_id)
    assert invite[5] == "Casey Client"
    # The details are one JSON object: it starts with "{", so it is never a formula
    # and is kept exactly as written, negative numbers included.
    assert json.loads(invite[6]) == {"email": "-dash@example.com", "n": -5}
