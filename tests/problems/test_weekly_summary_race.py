"""Two (or ten) periodic processes at once send a practice's weekly summary once (PostgreSQL)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.practices.models import Practice
from portico.problems.summary import send_weekly_access_summaries
from tests.access.test_concurrency import _race
from tests.cast import by
from tests.problems.test_weekly_summary import MONDAY_9AM

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://...")


def test_ten_periodic_processes_at_once_send_one_summary(
    maple: Practice, owner: User, casey: Client
) -> None:
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    with time_machine.travel(MONDAY_9AM, tick=False):
        results = _race(10, send_weekly_access_summaries)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [0] * 9 + [1]  # type: ignore[type-var]
    assert OutboundEmail.objects.filter(kind=EmailKind.ACCESS_SUMMARY).count() == 1
