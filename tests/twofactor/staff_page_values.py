"""One object of each kind the two-factor staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from portico.accounts.models import User
from portico.clients.models import Client


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    return {}
