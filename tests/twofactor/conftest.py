from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_counters(db: None) -> None:
    """Rate-limit counters and back-offs start from nothing in every test."""
    cache.clear()
