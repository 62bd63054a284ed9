"""Races that only a real database with row locks can show (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.utils import timezone

from portico.access.actions import AccessRefused, send_invite
from portico.access.models import AccessLink, PortalAccess
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from tests.cast import by

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


def _race(count: int, work: Callable[[], object]) -> list[object]:
    """Run ``work`` in ``count`` threads at once, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome: object = work()
        except Exception as error:  # noqa: BLE001 (collected and checked below)
            outcome = error
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_concurrent_sends_never_exceed_five(casey: Client, owner: User) -> None:
    results = _race(20, lambda: send_invite(casey, by=by(owner)))
    refused = [r for r in results if isinstance(r, AccessRefused)]
    other_errors = [r for r in results if isinstance(r, Exception) and r not in refused]
    assert not other_errors
    assert len(results) - len(refused) == 5
    assert AccessLink.objects.filter(access__client=casey).count() == 5
    assert AccessLink.objects.filter(access__client=casey, revoked_at__isnull=True).count() == 1


def test_fifty_concurrent_redemptions_of_one_link_make_exactly_one_account(
    casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link

    def redeem() -> object:
        mine = AccessLink.objects.select_related("access__client", "practice").get(pk=link.pk)
        return redeem_invite(
            mine,
            by=Actor.system(),
            username=None,
            password="a long unusual phrase 42",
            at=timezone.now(),
        )

    results = _race(50, redeem)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    winners = [r for r in results if isinstance(r, User)]
    assert len(winners) == 1
    assert User.objects.filter(practice=casey.practice, kind="portal").count() == 1
    assert PortalAccess.objects.filter(client=casey, user__isnull=False).count() == 1
