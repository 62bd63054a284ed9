"""Rate limits declared as data, checked with one ``consume()`` call.

Each action has rules like ``"10/m/ip,5/15m/key"``: at most 10 a minute from one
IP address, and at most 5 in 15 minutes for one key (an account or identifier).
Counters live in the cache (the database cache by default, Redis when
REDIS_URL is set), so every web process shares them. Keys are hashed: the cache
never holds an email address or username.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

RATE_LIMITS: dict[str, str] = {
    "staff_sign_in": "20/m/ip,10/15m/key",
    "portal_sign_in": "20/m/ip,10/15m/key",
    "forgot_password": "10/h/ip,3/h/key",
    "forgot_username": "10/h/ip,3/h/key",
    "link_page": "60/m/ip",
    "dob_check": "20/h/ip",
    "set_password": "20/h/ip",
    "api": "600/m/key",
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


def _cache_key(action: str, rule: Rule, value: str, window: int) -> str:
    digest = hashlib.sha256(f"{action}|{rule.scope}|{value}".encode()).hexdigest()[:32]
    return f"rl:{action}:{rule.seconds}:{window}:{digest}"


def consume(action: str, *, ip: str | None = None, key: str | None = None) -> Verdict:
    """Count one attempt of ``action``; say whether it is within every rule.

    Attempts are counted even when refused, so hammering does not reset a window.
    """
    now = int(time.time())
    retry_after = 0
    for rule in parse_rules(RATE_LIMITS[action]):
        value = ip if rule.scope == "ip" else key
        if not value:
            continue
        window = now // rule.seconds
        cache_key = _cache_key(action, rule, value.lower(), window)
        if cache.add(cache_key, 1, timeout=rule.seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr()
                cache.set(cache_key, 1, timeout=rule.seconds + 1)
                count = 1
        if count > rule.count:
            retry_after = max(retry_after, (window + 1) * rule.seconds - now)
    return Verdict(allowed=retry_after == 0, retry_after=retry_after)
