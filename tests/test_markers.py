"""Tests marked postgres run only on PostgreSQL, and say why when they are skipped."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.markers import postgres_skip


def test_a_postgres_test_is_skipped_on_sqlite_with_the_reason() -> None:
    skip = postgres_skip("sqlite")
    assert skip is not None
    assert "needs PostgreSQL" in skip.kwargs["reason"] and "sqlite" in skip.kwargs["reason"]


def test_a_postgres_test_runs_on_postgresql() -> None:
    assert postgres_skip("postgresql") is None


@pytest.mark.postgres
def test_a_test_marked_postgres_only_ever_runs_on_postgresql() -> None:
    assert connection.vendor == "postgresql"
