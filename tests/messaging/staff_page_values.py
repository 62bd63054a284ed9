"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py.

The messages pages name only the client (``public_id``); a real message is sent so
the walks open and photograph a conversation that has something in it.
"""

from __future__ import annotations

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.messaging.actions import send_staff_message
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    if feature_on(client.practice, PortalFeature.MESSAGES):
        send_staff_message(
            client, by=Actor.for_user(by), body="Hello! Your paperwork is ready in the portal."
        )
    return {}
