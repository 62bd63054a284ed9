"""lib.ratelimit on the default (database) cache: windows last as long as they say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from portico.lib import ratelimit
from portico.lib.ratelimit import backoff_failure, backoff_forget, backoff_hold, consume

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _empty_counters(db: None) -> None:
    cache.clear()


def test_an_hourly_key_limit_still_counts_after_the_caches_default_five_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The database cache's incr() used to rewrite the counter with a 5-minute timeout.
    monkeypatch.setitem(ratelimit.RATE_LIMITS, "example", "3/h/key")
    with time_machine.travel(T0, tick=False) as clock:
        for minute in (0, 10, 20):
            clock.move_to(T0 + timedelta(minutes=minute))
            assert consume("example", key="casey").allowed
        clock.move_to(T0 + timedelta(minutes=59, seconds=59))
        assert not consume("example", key="casey").allowed
        clock.move_to(T0 + timedelta(hours=1))
        assert consume("example", key="casey").allowed


def test_a_back_off_is_remembered_for_a_day_after_the_last_failure() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            backoff_failure("sign_in", "1:portal:casey")
        clock.move_to(T0 + timedelta(hours=23, minutes=59))
        assert backoff_hold("sign_in", "1:portal:casey").failures == 4
        hold = backoff_failure("sign_in", "1:portal:CASEY")  # keys ignore case
        assert hold.failures == 5 and hold.refuses()
        clock.move_to(T0 + timedelta(hours=47, minutes=58))
        assert backoff_hold("sign_in", "1:portal:casey").failures == 5
        clock.move_to(T0 + timedelta(hours=48, minutes=1))
        assert backoff_hold("sign_in", "1:portal:casey").failures == 0


def test_forgetting_a_back_off_starts_it_from_nothing() -> None:
    for _ in range(5):
        backoff_failure("sign_in", "1:staff:olivia@maple.test")
    assert backoff_hold("sign_in", "1:staff:olivia@maple.test").refuses()
    backoff_forget("sign_in", "1:staff:olivia@maple.test")
    assert backoff_hold("sign_in", "1:staff:olivia@maple.test").failures == 0
    assert not backoff_hold("sign_in", "1:staff:olivia@maple.test").refuses()
