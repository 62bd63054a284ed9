"""The dry run: every row's outcome and reason, before anything is written."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from portico.accounts.models import User
from portico.clients.actions import archive_client
from portico.clients.models import Client
from portico.imports.models import Outcome
from portico.practices.models import Practice
from tests.cast import by, make_client
from tests.imports.helpers import HEADER, check, csv_text, row

# (row as written, words the reason must contain): one kind of bad row each.
BAD_ROWS: list[tuple[list[str], str]] = [
    (row(first=""), "First name is missing"),
    (row(last=""), "Last name is missing"),
    (row(dob=""), "Date of birth is missing"),
    (row(dob="31.12.1990"), "not in a format we read"),
    (row(dob="02/30/1990"), "not a real date"),
    (row(dob="01/01/2031"), "in the future"),
    (row(dob="01/01/1850"), "more than 120 years old"),
    (row(email="jane.example.com"), "jane.example.com is not valid"),
    (row(email="jane@gmial.com"), "did you mean jane@gmail.com"),
    (row(email="ok@example.com; broken@"), "broken@ is not valid"),
    (row(phone="call me"), "Phone: Use only digits"),
    (row(phone="12 34"), "Phone: A phone number has 7 to 20 digits"),
    (row(first="A" * 81), "First name is longer than 80 characters"),
    (row(external_id="X" * 101), "External id is longer than 100 characters"),
    (row("Dup", "Id", external_id="E-1"), ""),  # the first one is fine
    (row("Dup", "Id2", external_id="E-1"), "External id E-1 is also on row 16"),
    (row("Twin", "Row", "03/03/1993"), ""),
    (row("twin", "ROW", "1993-03-03"), "Same name and date of birth as row 18"),
    ([*row("Too", "Many"), "extra"], "This row has 11 cells but the header names 10"),
    (row("Kid", "One", "05/05/2018", contact=("Pat", "", "")), "needs a first and a last name"),
    (row("Kid", "Two", "05/05/2018", contact=("Pat", "P", "pat@hotmial.com")), "looks mistyped"),
    (row("Grown", "Up", "05/05/1980", contact=("Pat", "P", "")), "this client is not a minor"),
    (row("Old", "Archived", external_id="ARCH-1"), "archived client"),
    (row("Same", "Person", "01/01/1970"), "2 clients on file have this name and date of birth"),
]


@pytest.fixture
def on_file(maple: Practice, owner: User) -> None:
    archived = make_client(maple, owner, "Old", "Archived", external_id="ARCH-1")
    archive_client(archived, by=by(owner))
    for _ in range(2):
        make_client(maple, owner, "Same", "Person", dob=date(1970, 1, 1))


@time_machine.travel("2026-06-01 12:00 +00:00", tick=False)
def test_a_file_with_twenty_kinds_of_bad_rows_reports_each_with_its_row_number(
    maple: Practice, owner: User, on_file: None
) -> None:
    run = check(maple, owner, csv_text(cells for cells, _ in BAD_ROWS))
    by_number = {decision.number: decision for decision in run.decisions}
    kinds = 0
    for number, (_, reason) in enumerate(BAD_ROWS, start=2):
        decision = by_number[number]
        if not reason:
            assert decision.outcome == Outcome.CREATE, (number, decision.message)
            continue
        assert decision.outcome == Outcome.ERROR, (number, decision.message)
        assert reason in decision.message, (number, decision.message)
        kinds += 1
    assert kinds >= 20
    assert run.counts[Outcome.ERROR] == kinds
    # Nothing was written by looking.
    assert Client.objects.filter(practice=maple).count() == 3


def test_a_reason_never_repeats_the_date_of_birth_typed(maple: Practice, owner: User) -> None:
    run = check(maple, owner, csv_text([row(dob="13/45/1988"), row(dob="02/30/1990")]))
    assert all("1988" not in d.message and "1990" not in d.message for d in run.decisions)


def test_rows_are_added_updated_or_left_alone_by_external_id_or_name_and_birth_date(
    maple: Practice, owner: User
) -> None:
    make_client(
        maple,
        owner,
        "Known",
        "ById",
        dob=date(1985, 12, 10),
        external_id="K-1",
        emails=("k@example.com",),
    )
    make_client(maple, owner, "Known", "ByName", dob=date(1985, 12, 10))
    run = check(
        maple,
        owner,
        csv_text(
            [
                row("New", "Person"),
                row("Known", "ById", email="k@example.com", external_id="K-1"),
                row("Known", "ById", email="k@example.com; k2@example.com", external_id="K-1"),
                row("Known", "ByName", "1985-12-10"),
                row("Known", "ByName", "12/10/1985", phone="555 123 4567", external_id="K-2"),
            ]
        ),
    )
    outcomes = [(d.number, d.outcome) for d in run.decisions]
    assert outcomes[0] == (2, Outcome.CREATE)
    # Rows 3 and 4 name the same external id: the second is refused, not a second update.
    assert outcomes[1] == (3, Outcome.UNCHANGED)
    assert outcomes[2] == (4, Outcome.ERROR)
    assert outcomes[3] == (5, Outcome.UNCHANGED)
    assert run.decisions[3].message.startswith("Matched by name and date of birth")
    # Row 6 is the same person as row 5 with an id: a duplicate of row 5 is not flagged
    # (it has an id), and it updates the client on file: phone and external id.
    assert outcomes[4] == (6, Outcome.UPDATE)
    assert set(run.decisions[4].changes) == {"phone", "external_id"}


def test_an_empty_cell_never_erases_what_is_on_file(maple: Practice, owner: User) -> None:
    make_client(
        maple,
        owner,
        "Keep",
        "Phone",
        dob=date(1985, 12, 10),
        external_id="P-1",
        phone="555 000 1111",
    )
    run = check(maple, owner, csv_text([row("Keep", "Phone", phone="", external_id="P-1")]))
    assert run.decisions[0].outcome == Outcome.UNCHANGED


def test_mistyped_addresses_can_be_kept_as_typed_when_staff_say_so(
    maple: Practice, owner: User
) -> None:
    from portico.imports.queries import dry_run
    from tests.imports.helpers import mapped

    content = csv_text([row(email="jane@gmial.com")])
    assert dry_run(mapped(maple, owner, content)).decisions[0].outcome == Outcome.ERROR
    kept = dry_run(mapped(maple, owner, content, keep_typos=True)).decisions[0]
    assert kept.outcome == Outcome.CREATE
    assert kept.parsed is not None and kept.parsed.emails == ["jane@gmial.com"]


def test_the_header_is_row_one_and_blank_lines_keep_their_numbers(
    maple: Practice, owner: User
) -> None:
    content = ",".join(HEADER) + "\r\n\r\n" + ",".join(row(first="")) + "\r\n"
    run = check(maple, owner, content)
    assert [(d.number, d.outcome) for d in run.decisions] == [(3, Outcome.ERROR)]
