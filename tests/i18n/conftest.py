"""Fixtures shared with the portal tests."""

from __future__ import annotations

from tests.portal.conftest import in_maples_request  # noqa: F401 (a fixture)
