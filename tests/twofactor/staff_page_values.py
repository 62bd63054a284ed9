"""One object of each kind the two-factor staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from portico.access.actions import send_invite
from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from tests.cast import register_new
from tests.twofactor.helpers import enrol


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """``account_id``: a portal account of ``client`` with an authenticator app."""
    access = PortalAccess.objects.filter(client=client, user__isnull=False).first()
    if access is not None and access.user is not None:
        account = access.user
    else:
        link = send_invite(client, by=Actor.for_user(by)).link
        account = register_new(link, username=f"two-step-{client.pk}")
    enrol(account)
    return {"account_id": str(account.pk)}
