"""Redis as the cache, with the database cache standing in while Redis is away.

With REDIS_URL set, the cache and the rate-limit counters live in Redis. When Redis
cannot be reached (stopped, restarting, a network cut), every cache call goes to the
database cache instead (``CACHES["database"]``, the table ``createcachetable`` makes)
rather than failing the request: sign-in keeps its rate limits (counted in the
database for the outage, so they never fail open), the recurring jobs keep their
heartbeat, and nothing else notices.

After a failure Redis is not tried again for ``RETRY_AFTER`` seconds in that process,
so an unreachable Redis costs one connection timeout per process per few seconds,
not one per call. Counters made during the outage stay in the database and are not
carried back: when Redis returns, windows start again from its own counts (a limit
is at most reset once per outage, never lifted).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis cannot be reached" looks like (a refused or cut connection, a timeout).
UNREACHABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis after it failed, per process
FALLBACK_ALIAS = "database"


class RedisCacheWithDatabaseFallback(RedisCache):
    """``RedisCache`` whose calls go to ``caches["database"]`` while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    # --- the switch ---------------------------------------------------------------------

    @property
    def fallback(self) -> BaseCache:
        return caches[FALLBACK_ALIAS]

    def redis_available(self) -> bool:
        """False while this process waits ``RETRY_AFTER`` seconds after a failure."""
        return time.monotonic() >= self._down_until

    def mark_unreachable(self, exc: BaseException) -> None:
        if self.redis_available():
            logger.warning(
                "Redis cannot be reached (%s); using the database cache for %.0f s.",
                type(exc).__name__,
                RETRY_AFTER,
            )
        self._down_until = time.monotonic() + RETRY_AFTER

    def ping(self) -> bool:
        """Whether Redis answers right now (``manage.py doctor`` can tell the operator)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE as exc:
            self.mark_unreachable(exc)
            return False

    def _either(self, name: str, *args: Any) -> Any:
        """Cache method ``name`` on Redis, or on the database cache while Redis is away."""
        if self.redis_available():
            try:
                return getattr(super(), name)(*args)
            except UNREACHABLE as exc:
                self.mark_unreachable(exc)
        return getattr(self.fallback, name)(*args)

    # --- every cache call -----------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._either("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._either("get", key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._either("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._either("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._either("delete", key, version)

    def get_many(self, keys: Iterable[Any], version: Any = None) -> Any:
        keys = list(keys)
        return self._either("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._either("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._either("incr", key, delta, version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._either("delete_many", keys, version)

    def clear(self) -> None:
        self._either("clear")
