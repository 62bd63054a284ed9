"""Answer "Forgot password?" and "Forgot username?" in the same time, whatever happened.

A request for an existing account issues a link and queues an email; one for an
unknown account writes only an audit row. To keep the difference from showing in
the response time, both paths finish their work and then wait until the same
fixed time has passed since the request started. The work itself takes a few
milliseconds; the floor is far above it, so the two answer times match.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# Well above the slowest real path (link + outbox row + task + audit), on a busy
# SQLite or PostgreSQL; below what a person notices after pressing a button.
RESPONSE_FLOOR_SECONDS = 0.4


@contextmanager
def steady_response_time(seconds: float | None = None) -> Iterator[None]:
    floor = RESPONSE_FLOOR_SECONDS if seconds is None else seconds
    started = time.monotonic()
    try:
        yield
    finally:
        remaining = floor - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
