"""The self-service budget is exact under concurrency (PostgreSQL: real row locks)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from portico.access.actions import AccessRefused, send_invite, send_password_reset
from portico.access.models import AccessLink
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from tests.access.test_concurrency import _race
from tests.cast import PASSWORD, by

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://...")


def test_twenty_concurrent_forgot_password_requests_send_exactly_three(
    casey: Client, owner: User
) -> None:
    sent = send_invite(casey, by=by(owner))
    account = redeem_invite(
        sent.link, by=Actor.system(), username="casey", password=PASSWORD, at=timezone.now()
    )
    assert account is not None
    visitor = Actor(user=None, label="visitor")
    results = _race(20, lambda: send_password_reset(account, by=visitor, self_service=True))
    refused = [r for r in results if isinstance(r, AccessRefused)]
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
    assert len(results) - len(refused) == 3
    assert AccessLink.objects.filter(access__client=casey, self_service=True).count() == 3
    # The staff allowance is untouched: the invitation was its only send.
    assert AccessLink.objects.filter(access__client=casey, self_service=False).count() == 1
