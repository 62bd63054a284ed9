"""Messages test state, built with the real actions: accounts registered through invitations."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.practices.models import Practice
from tests.cast import PASSWORD, at


def portal_session(practice: Practice, username: str) -> HttpClient:
    """Signed in through the sign-in form, as a person would."""
    http = HttpClient()
    response = http.post(
        at(practice, "portal:sign_in"), {"identifier": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return http


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
