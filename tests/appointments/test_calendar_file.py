"""The .ics file: RFC 5545 lines (CRLF, folded at 75 octets, escaped), UID, SEQUENCE, CANCEL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portico.accounts.models import User
from portico.appointments.actions import Slot, cancel_appointment, change_appointment
from portico.appointments.ics import calendar_file, escape_text, fold
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.appointments.conftest import book

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
THURSDAY_3PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def unfold(text: str) -> dict[str, str]:
    """Parse the file back: check CRLF and line lengths, undo folding, map name -> value."""
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    values: dict[str, str] = {}
    for line in logical:
        name, _, value = line.partition(":")
        values.setdefault(name.split(";")[0], value)
    return values


def test_the_file_parses_back_with_utc_times_and_no_visit_details(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM, note="Secret")
    text = calendar_file(appointment)
    values = unfold(text)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert values["METHOD"] == "PUBLISH" and values["STATUS"] == "CONFIRMED"
    assert values["UID"] == f"{appointment.public_id}@portico.localhost" or values[
        "UID"
    ].startswith(f"{appointment.public_id}@")
    assert values["DTSTART"] == "20261203T200000Z" and values["DTEND"] == "20261203T205000Z"
    assert values["SEQUENCE"] == "0"
    assert values["SUMMARY"] == "Appointment with Maple Counseling"
    assert values["LOCATION"] == "Room 2"
    assert "Secret" not in text and "Clara" not in text and "Casey" not in text


def test_a_change_bumps_the_sequence_and_a_cancel_is_method_cancel(
    casey: Client, clinician: User, owner: User
) -> None:
    appointment = book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    moved = change_appointment(
        appointment,
        by=Actor.for_user(owner),
        slot=Slot(
            clinician=clinician,
            starts_at=THURSDAY_3PM + timedelta(hours=1),
            duration_minutes=50,
            kind="video",
        ),
    )
    values = unfold(calendar_file(moved))
    assert values["SEQUENCE"] == "1" and values["DTSTART"] == "20261203T210000Z"
    assert values["UID"].startswith(str(appointment.public_id))
    cancelled = cancel_appointment(moved, by=Actor.for_user(owner))
    values = unfold(calendar_file(cancelled))
    assert values["METHOD"] == "CANCEL" and values["STATUS"] == "CANCELLED"
    assert values["SEQUENCE"] == "2"


def test_text_is_escaped_and_long_lines_fold_between_characters(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    maple.name = "Café Ünïcode; Counseling, Therapy & Co — " + "é" * 40
    maple.save(update_fields=["name"])
    appointment = book(
        casey,
        by=owner,
        clinician=clinician,
        starts_at=THURSDAY_3PM,
        location="Suite 4, Floor 2; back door\\side",
    )
    text = calendar_file(appointment)
    values = unfold(text)
    assert values["LOCATION"] == "Suite 4\\, Floor 2\\; back door\\\\side"
    assert values["SUMMARY"] == escape_text(f"Appointment with {maple.name}")
    text.encode("utf-8").decode("utf-8")  # no character was cut in half by folding


def test_fold_keeps_every_line_within_75_octets() -> None:
    folded = fold("DESCRIPTION:" + "ü" * 100)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert "".join(line[1:] if i else line for i, line in enumerate(folded.split("\r\n"))) == (
        "DESCRIPTION:" + "ü" * 100
    )
    assert escape_text("a\nb") == "a\\nb"
