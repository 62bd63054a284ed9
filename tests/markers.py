"""Test markers that decide where a test runs (loaded with ``-p tests.markers``, pyproject.toml).

``@pytest.mark.postgres``: the test needs PostgreSQL (real concurrency, row locks,
SKIP LOCKED). On SQLite it is skipped with the reason below, before any fixture or
database is set up; ``dev.py test`` runs the suite again on PostgreSQL, and under
CI=true that second run is required, so these tests run there.
"""

from __future__ import annotations

import pytest

SQLITE_REASON = (
    "needs PostgreSQL (marked postgres): this run uses {vendor}. "
    "dev.py test runs it on PostgreSQL, or set DATABASE_URL=postgres://..."
)


def postgres_skip(vendor: str) -> pytest.MarkDecorator | None:
    """The skip for a postgres-marked test on this database, or None where it can run."""
    if vendor == "postgresql":
        return None
    return pytest.mark.skip(reason=SQLITE_REASON.format(vendor=vendor))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection  # settings are configured by pytest-django by now

    skip = postgres_skip(connection.vendor)
    if skip is None:
        return
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)
