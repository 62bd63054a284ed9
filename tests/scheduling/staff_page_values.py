"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from portico.accounts.models import User
from portico.clients.models import Client


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """The availability page of ``by`` (an owner, so a clinician-capable role)."""
    return {"clinician_id": str(by.pk)}
