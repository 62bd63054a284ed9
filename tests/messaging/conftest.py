"""Messages test state, built with the real actions: accounts registered through invitations."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import PASSWORD, Family, at, invite, register_new


@pytest.fixture
def casey_account(casey: Client, owner: User) -> User:
    """Casey's own portal account: username "casey"."""
    sent = send_invite(casey, by=Actor.for_user(owner))
    account = redeem_invite(
        sent.link, by=Actor.system(), username="casey", password=PASSWORD, at=timezone.now()
    )
    assert account is not None
    return account


@pytest.fixture
def pat(family: Family, owner: User) -> User:
    """Pat Parent's account, acting for Mia only."""
    return register_new(invite(family.pat_for_mia, owner), username="pat")


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
