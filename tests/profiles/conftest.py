"""Profile and insurance tests: features on, Casey signed in (private files: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.practices.models import PortalFeature, Practice
from tests.portal.conftest import signed_in


def stored_paths(location: Path) -> list[Path]:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []


def turn_on(practice: Practice, *features: PortalFeature, reviewed: bool = True) -> None:
    practice.portal_features = [feature.value for feature in features]
    practice.profile_changes_reviewed = reviewed
    practice.save(update_fields=["portal_features", "profile_changes_reviewed"])


@pytest.fixture
def features_on(maple: Practice) -> Practice:
    turn_on(maple, PortalFeature.PROFILE, PortalFeature.INSURANCE)
    return maple


@pytest.fixture
def casey_http(features_on: Practice, casey_account: User) -> HttpClient:
    return signed_in(features_on, "casey")
