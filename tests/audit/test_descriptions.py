"""Every access event the code records reads as a sentence for staff, not as a code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portico.audit.models import AuditEvent
from portico.audit.queries import describe_event
from portico.audit.vocabulary import DESCRIPTIONS, Action
from portico.mail.models import EmailStatus

SOURCE = Path(__file__).resolve().parents[2] / "portico"
# An action written as a string rather than as Action.X (the vocabulary itself excepted).
ACTION = re.compile(
    r'"((?:access|client|contact|staff|signin|practice|mail|audit)\.[a-z_]+(?:\.[a-z_]+)*)"'
)
NOT_ACTIONS = {"mail.com", "mail.ru"}  # domains in the typo-hint list
# Recorded as Action(f"mail.{status}") from a delivery status (portico/mail/webhooks.py).
TRACKED = {
    f"mail.{status}"
    for status in (
        EmailStatus.DELIVERED,
        EmailStatus.DEFERRED,
        EmailStatus.BOUNCED,
        EmailStatus.COMPLAINED,
        EmailStatus.FAILED,
    )
}


def actions_written_as_strings() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts or path == SOURCE / "audit" / "vocabulary.py":
            continue
        if path == SOURCE / "webhooks" / "events.py":
            continue  # the webhook event types: their own vocabulary, mapped from Action there
        found |= set(ACTION.findall(path.read_text()))
    return found - NOT_ACTIONS


def test_every_action_has_a_description_and_every_description_an_action() -> None:
    assert set(DESCRIPTIONS) == set(Action)


def test_the_vocabulary_holds_the_actions_written_across_the_apps() -> None:
    actions = {action.value for action in Action}
    assert {"access.invite.sent", "client.added", "contact.added", "mail.bounced"} <= actions
    assert {"client.record.viewed", "audit.history.viewed", "audit.history.exported"} <= actions
    assert "access.send.refused_address" in actions


def test_every_action_code_written_as_a_string_is_in_the_vocabulary() -> None:
    unknown = sorted((actions_written_as_strings() | TRACKED) - set(Action))
    assert not unknown, f"add these to Action in portico/audit/vocabulary.py: {unknown}"


@pytest.mark.parametrize("action", list(Action))
def test_every_action_reads_as_a_sentence_even_without_details(action: Action) -> None:
    sentence = describe_event(AuditEvent(action=action, details={}))
    assert sentence and sentence != action.value


def test_an_unknown_code_from_older_history_is_shown_as_it_is() -> None:
    assert describe_event(AuditEvent(action="access.retired.code", details={})) == (
        "access.retired.code"
    )


@pytest.mark.parametrize(
    ("rows", "sentence"),
    [
        (1, "Client list uploaded for import (1 row)"),
        (2, "Client list uploaded for import (2 rows)"),
        (0, "Client list uploaded for import (0 rows)"),
    ],
)
def test_a_count_reads_in_the_singular_only_for_one(rows: int, sentence: str) -> None:
    event = AuditEvent(action=Action.IMPORT_UPLOADED, details={"rows": rows})
    assert describe_event(event) == sentence
