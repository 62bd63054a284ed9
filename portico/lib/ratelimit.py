"""Rate limits and back-offs declared as data, checked with one call each.

Rate limits (``consume()``): each action has rules like ``"10/m/ip,5/15m/key"``:
at most 10 a minute from one IP address, and at most 5 in 15 minutes for one key
(an account or identifier).

Back-offs (``backoff_hold()``, ``backoff_failure()``, ``backoff_forget()``): after a
number of failures in a row for one key, refuse for a while, the wait doubling with
each further failure up to a cap. Sign-in uses one per identifier typed (known
account or not) and one per trusted-device cookie.

Counters live in the cache (the database cache by default, Redis when
REDIS_URL is set), so every web process shares them. Keys are hashed: the cache
never holds an email address or username. While Redis cannot be reached they are
counted in the database cache instead (``portico.lib.cache``): a limit never fails
open, and sign-in keeps working through a Redis outage.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

from portico.lib.cache import UNREACHABLE, RedisCacheWithDatabaseFallback

RATE_LIMITS: dict[str, str] = {
    # Per IP only: a per-identifier count here would let anyone stop the owner, even on
    # a trusted device. The identifier's own limit is the "sign_in" back-off below.
    "staff_sign_in": "20/m/ip",
    "portal_sign_in": "20/m/ip",
    "forgot_password": "10/h/ip,3/h/key",
    "forgot_username": "10/h/ip,3/h/key",
    "link_page": "60/m/ip",
    "dob_check": "20/h/ip",
    "set_password": "20/h/ip",
    "api": "600/m/key",
    # Every POST to a portal feature (a message, a form draft, a profile change, an
    # upload), per signed-in person: far above a person's pace, far below a script's.
    "portal_write": "30/m/key,600/h/key",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RULE = re.compile(r"^(?P<count>\d+)/(?P<amount>\d*)(?P<unit>[smhd])/(?P<scope>ip|key)$")


@dataclass(frozen=True)
class Rule:
    count: int
    seconds: int
    scope: str


def parse_rules(spec: str) -> list[Rule]:
    rules = []
    for part in spec.split(","):
        match = _RULE.match(part.strip())
        if not match:
            raise ValueError(f"Bad rate-limit rule {part!r}")
        amount = int(match["amount"] or 1)
        rules.append(Rule(int(match["count"]), amount * _UNITS[match["unit"]], match["scope"]))
    return rules


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the tightest exceeded window resets
    exceeded: tuple[str, ...] = ()  # the scopes ("ip", "key") of the rules exceeded


def _cache_key(action: str, rule: Rule, value: str, window: int) -> str:
    digest = hashlib.sha256(f"{action}|{rule.scope}|{value}".encode()).hexdigest()[:32]
    return f"rl:{action}:{rule.seconds}:{window}:{digest}"


def consume(action: str, *, ip: str | None = None, key: str | None = None) -> Verdict:
    """Count one attempt of ``action``; say whether it is within every rule.

    Attempts are counted even when refused, so hammering does not reset a window.
    All of the action's counters are counted together (one round trip on Redis).
    """
    now = int(time.time())
    counters: list[tuple[Rule, str, int]] = []
    for rule in parse_rules(RATE_LIMITS[action]):
        value = ip if rule.scope == "ip" else key
        if not value:
            continue
        window = now // rule.seconds
        cache_key = _cache_key(action, rule, value.lower(), window)
        counters.append((rule, cache_key, (window + 1) * rule.seconds - now + 1))
    counts = _count_all([(cache_key, timeout) for _rule, cache_key, timeout in counters])
    retry_after, exceeded = 0, []
    for (rule, _key, timeout), count in zip(counters, counts, strict=True):
        if count > rule.count:
            retry_after = max(retry_after, timeout - 1)
            exceeded.append(rule.scope)
    return Verdict(allowed=retry_after == 0, retry_after=retry_after, exceeded=tuple(exceeded))


def _count(cache_key: str, *, timeout: int) -> int:
    """Add one to a counter that lives ``timeout`` seconds from now; the new count."""
    return _count_all([(cache_key, timeout)])[0]


def count(cache_key: str, *, timeout: int) -> int:
    """``_count`` for tallies outside ``consume`` (e.g. refused requests per window)."""
    return _count(cache_key, timeout=timeout)


def _count_all(counters: list[tuple[str, int]]) -> list[int]:
    """``_count`` for each (key, timeout), in order: one MULTI/EXEC on Redis."""
    if not counters:
        return []
    backend: BaseCache = caches["default"]
    if isinstance(backend, RedisCacheWithDatabaseFallback):
        if backend.redis_available():
            try:
                return _count_on_redis(backend, counters)
            except UNREACHABLE as exc:
                backend.mark_unreachable(exc)
        # Redis is away: count in the database, never let the attempt through uncounted.
        backend = backend.fallback
    elif isinstance(backend, RedisCache):
        return _count_on_redis(backend, counters)
    return [
        _count_on_any_cache(backend, cache_key, timeout=timeout) for cache_key, timeout in counters
    ]


def _count_on_redis(backend: RedisCache, counters: list[tuple[str, int]]) -> list[int]:
    # SET NX EX starts a counter with its lifetime; INCR keeps that lifetime. In one
    # transaction, so a counter cannot expire between the two and live for ever.
    keys = [backend.make_and_validate_key(cache_key) for cache_key, _timeout in counters]
    client = backend._cache.get_client(keys[0], write=True)
    pipeline = client.pipeline(transaction=True)
    for key, (_cache_key, timeout) in zip(keys, counters, strict=True):
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
    replies = pipeline.execute()
    return [int(reply) for reply in replies[1::2]]


def _count_on_any_cache(backend: BaseCache, cache_key: str, *, timeout: int) -> int:
    if backend.add(cache_key, 1, timeout=timeout):
        return 1
    if isinstance(backend, DatabaseCache):
        # Its incr() is this same get and set, but rewrites the row with the default
        # 5-minute timeout (which then needed a touch() to undo): one write saved.
        found = backend.get(cache_key)
        count = 1 if found is None else int(found) + 1  # None: expired since add()
        backend.set(cache_key, count, timeout=timeout)
        return count
    try:
        count = int(backend.incr(cache_key))
    except ValueError:  # expired between add() and incr()
        backend.set(cache_key, 1, timeout=timeout)
        return 1
    backend.touch(cache_key, timeout)
    return count


# --- back-offs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """``free`` failures in a row are allowed; the next attempts are refused for ``first``
    seconds, and each further failure (once the wait is over) doubles the wait, up to
    ``longest``. Failures are forgotten ``memory`` seconds after the last one."""

    free: int
    first: int
    longest: int
    memory: int

    def wait_after(self, failures: int) -> int:
        """Seconds refused after the ``failures``-th failure in a row."""
        if failures < self.free:
            return 0
        doublings: int = min(failures - self.free, 20)
        return min(self.first << doublings, self.longest)


BACKOFFS: dict[str, Backoff] = {
    # The identifier typed at a sign-in (username or email, per practice and kind),
    # whether or not an account has it: 5 free, then 1, 2, 4, 8, 15, 15 ... minutes.
    "sign_in": Backoff(free=5, first=60, longest=15 * 60, memory=24 * 3600),
    # One trusted-device cookie entry: 5 wrong passwords, then it no longer lifts the
    # identifier's back-off for a day (a stolen cookie is not an unlimited oracle).
    "trusted_device": Backoff(free=5, first=24 * 3600, longest=24 * 3600, memory=24 * 3600),
}


@dataclass(frozen=True)
class Hold:
    failures: int = 0  # in a row, not yet forgotten
    until: float = 0.0  # epoch seconds; attempts are refused while now < until

    def refuses(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) < self.until


def _backoff_keys(name: str, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{name}|{key.lower()}".encode()).hexdigest()[:32]
    return f"bo:{name}:{digest}:n", f"bo:{name}:{digest}:until"


def backoff_hold(name: str, key: str) -> Hold:
    """Where ``key`` stands: failures so far and until when it is refused."""
    count_key, until_key = _backoff_keys(name, key)
    found = cache.get_many([count_key, until_key])
    return Hold(failures=int(found.get(count_key, 0)), until=float(found.get(until_key, 0.0)))


def backoff_failure(name: str, key: str, *, now: float | None = None) -> Hold:
    """Count one failure for ``key``; the hold that follows from it."""
    rule = BACKOFFS[name]
    now = time.time() if now is None else now
    count_key, until_key = _backoff_keys(name, key)
    failures = _count(count_key, timeout=rule.memory)
    wait = rule.wait_after(failures)
    if not wait:
        return Hold(failures=failures)
    until = now + wait
    cache.set(until_key, until, timeout=rule.memory)
    return Hold(failures=failures, until=until)


def backoff_forget(name: str, *keys: str) -> None:
    """Start ``keys`` again from no failures (a success, staff unlock, a new password)."""
    cache.delete_many([part for key in keys for part in _backoff_keys(name, key)])
