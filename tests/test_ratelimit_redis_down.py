"""Redis unreachable (the cache pointed at a closed port): limits hold, sign-in works.

The cache is ``portico.lib.cache.RedisCacheWithDatabaseFallback`` as settings.py sets
it with REDIS_URL; nothing listens on the port, so every Redis call is refused and
the database cache stands in. The stack test (tests/stack/) stops a real Redis.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.conf import LazySettings
from django.core.cache import cache, caches
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.lib import cache as resilient
from portico.lib.ratelimit import RATE_LIMITS, backoff_failure, backoff_hold, consume
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.mail.conftest import free_port


def test_the_cache_answers_from_the_database_while_redis_is_refused(redis_down: None) -> None:
    cache.set("greeting", "hello", timeout=60)
    assert cache.get("greeting") == "hello"
    assert caches["database"].get("greeting") == "hello"
    assert cache.add("greeting", "again") is False
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_redis_is_not_tried_again_for_a_few_seconds_after_it_failed(redis_down: None) -> None:
    backend = caches["default"]
    assert isinstance(backend, resilient.RedisCacheWithDatabaseFallback)
    assert backend.redis_available()
    cache.get("anything")
    assert not backend.redis_available()
    assert backend.ping() is False  # what manage.py doctor can ask


def test_a_rate_limit_is_counted_in_the_database_and_refuses_past_its_count(
    redis_down: None,
) -> None:
    allowed = int(RATE_LIMITS["portal_sign_in"].split("/")[0])
    verdicts = [consume("portal_sign_in", ip="203.0.113.7") for _ in range(allowed + 1)]
    assert all(verdict.allowed for verdict in verdicts[:allowed])
    assert not verdicts[-1].allowed and verdicts[-1].retry_after > 0
    # Counted even when Redis was never reached in this process before the first call.
    assert consume("portal_sign_in", ip="203.0.113.8").allowed


def test_a_back_off_holds_while_redis_is_refused(redis_down: None) -> None:
    for _ in range(5):
        backoff_failure("sign_in", "1:portal:casey")
    hold = backoff_hold("sign_in", "1:portal:casey")
    assert hold.failures == 5 and hold.refuses()


def test_sign_in_works_and_its_per_address_limit_refuses_while_redis_is_refused(
    redis_down: None, maple: Practice, casey_account: User
) -> None:
    http = HttpClient(REMOTE_ADDR="203.0.113.9")
    signed_in = http.post(
        at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == at(maple, "portal:home")
    assert http.get(at(maple, "portal:home")).status_code == 200

    guesser = HttpClient(REMOTE_ADDR="203.0.113.10")
    allowed = int(RATE_LIMITS["portal_sign_in"].split("/")[0])
    pages = [
        guesser.post(
            at(maple, "portal:sign_in"), {"identifier": f"nobody{n}", "password": "wrong guess"}
        ).content.decode()
        for n in range(allowed + 1)
    ]
    assert not any("Too many sign-in attempts" in page for page in pages[:allowed])
    assert "Too many sign-in attempts" in pages[-1]


def test_staff_sign_in_works_while_redis_is_refused(
    redis_down: None, maple: Practice, owner: User
) -> None:
    http = HttpClient(REMOTE_ADDR="203.0.113.11")
    response = http.post(
        at(maple, "accounts:staff_sign_in"), {"email": owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def own_redis(settings: LazySettings, db: None) -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of this test's own (never the machine's shared one)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    database = settings.CACHES["database"]
    settings.CACHES = {
        "default": {
            "BACKEND": "portico.lib.cache.RedisCacheWithDatabaseFallback",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "database": database,
    }
    caches["database"].clear()
    try:
        for _ in range(50):
            if caches["default"].ping():  # type: ignore[attr-defined]
                break
            caches["default"]._down_until = 0.0  # type: ignore[attr-defined]
            time.sleep(0.1)
        yield server
    finally:
        server.kill()
        server.wait()


def test_counts_move_to_the_database_when_a_running_redis_stops(
    own_redis: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RATE_LIMITS, "example", "3/h/key")
    assert consume("example", key="casey").allowed  # counted in Redis
    assert caches["database"].get("anything") is None
    own_redis.kill()
    own_redis.wait()
    # Redis gone: the next attempts count in the database, from nothing, and still stop.
    verdicts = [consume("example", key="casey").allowed for _ in range(4)]
    assert verdicts == [True, True, True, False]
    cache.set("still", "works")
    assert caches["database"].get("still") == "works"
