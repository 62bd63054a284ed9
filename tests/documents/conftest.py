"""Documents test state, built with the real actions: accounts registered through invitations."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.practices.models import Practice
from tests.messaging.conftest import portal_session


@pytest.fixture
def casey_http(maple: Practice, casey_account: User) -> HttpClient:
    return portal_session(maple, "casey")


@pytest.fixture
def pat_http(maple: Practice, pat: User) -> HttpClient:
    return portal_session(maple, "pat")


@pytest.fixture
def clinician_http(clinician: User) -> HttpClient:
    http = HttpClient()
    http.force_login(clinician)
    return http
