"""Every access event the code records reads as a sentence for staff, not as a code."""

from __future__ import annotations

import re
from pathlib import Path

from portico.audit.queries import DESCRIPTIONS
from portico.mail.models import EmailStatus

SOURCE = Path(__file__).resolve().parents[2] / "portico"
ACTION = re.compile(
    r'"((?:access|client|contact|staff|signin|practice|mail|audit)\.[a-z_]+(?:\.[a-z_]+)*)"'
)
NOT_ACTIONS = {"mail.com", "mail.ru"}  # domains in the typo-hint list
# Written with an f-string from a delivery status (portico/mail/webhooks.py).
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


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "queries.py" and path.parent.name == "audit":
            continue
        found |= set(ACTION.findall(path.read_text()))
    return (found - NOT_ACTIONS) | TRACKED


def test_the_scan_finds_the_actions_written_across_the_apps() -> None:
    actions = recorded_actions()
    assert {"access.invite.sent", "client.added", "contact.added", "mail.bounced"} <= actions
    assert {"client.record.viewed", "audit.history.viewed", "audit.history.exported"} <= actions


def test_every_recorded_action_has_a_plain_description() -> None:
    missing = sorted(recorded_actions() - set(DESCRIPTIONS))
    assert not missing, f"add a sentence to DESCRIPTIONS in portico/audit/queries.py: {missing}"
