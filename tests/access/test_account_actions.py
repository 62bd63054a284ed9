from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone

from portico.access.actions import (
    TEMPORARY_PASSWORD_LIFETIME,
    AccessRefused,
    disable_portal_access,
    enable_portal_access,
    send_invite,
    set_temporary_password,
    unlock_portal_account,
)
from portico.access.queries import portal_account_for
from portico.accounts.lockout import is_locked, register_failure
from portico.accounts.models import User
from portico.accounts.signin import Outcome, attempt_sign_in
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.cast import at, by


def _sign_in(practice: Practice, identifier: str, password: str) -> Outcome:
    request = RequestFactory().post("/sign-in/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    request.practice = practice  # type: ignore[attr-defined]
    result = attempt_sign_in(
        request, practice=practice, kind="portal", identifier=identifier, password=password
    )
    return result.outcome


def test_a_temporary_password_makes_an_account_for_a_client_without_email(
    maple: Practice, noah: Client, owner: User
) -> None:
    password = set_temporary_password(noah, by=by(owner))
    account = portal_account_for(noah)
    assert account is not None
    assert account.username == "noah.nomail"
    assert account.must_change_password
    assert len(password) >= 12
    assert _sign_in(maple, "noah.nomail", password) == Outcome.SIGNED_IN
    assert not OutboundEmail.objects.filter(client=noah).exists()  # never emailed
    event = AuditEvent.objects.get(action="access.temporary_password.set")
    assert event.actor == owner


def test_a_temporary_password_stops_working_after_72_hours_unused(
    maple: Practice, noah: Client, owner: User
) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        password = set_temporary_password(noah, by=by(owner))
    account = portal_account_for(noah)
    assert account is not None
    assert account.temporary_password_expires_at == now + TEMPORARY_PASSWORD_LIFETIME
    with time_machine.travel(now + timedelta(hours=72) - timedelta(seconds=1), tick=False):
        assert _sign_in(maple, "noah.nomail", password) == Outcome.SIGNED_IN
    with time_machine.travel(now + timedelta(hours=72), tick=False):
        assert _sign_in(maple, "noah.nomail", password) == Outcome.TEMPORARY_PASSWORD_EXPIRED


def test_a_temporary_password_ends_existing_sessions(
    maple: Practice, casey: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    account = portal_account_for(casey)
    assert account is not None
    http = HttpClient()
    http.force_login(account)
    set_temporary_password(casey, by=by(owner))
    http.get(at(maple, "portal:home"))
    assert SESSION_KEY not in http.session


def test_disabled_clients_cannot_sign_in_with_the_right_password_and_can_after_enable(
    maple: Practice, casey: Client, owner: User
) -> None:
    password = set_temporary_password(casey, by=by(owner))
    session = HttpClient()
    account = portal_account_for(casey)
    assert account is not None
    session.force_login(account)
    disable_portal_access(casey, by=by(owner))
    assert _sign_in(maple, "casey.client", password) == Outcome.DISABLED
    home = session.get(at(maple, "portal:home"))
    assert home.status_code == 302  # the open session no longer counts: off to sign-in
    enable_portal_access(casey, by=by(owner))
    # Enabling does not revive the old session (its generation was bumped) ...
    assert session.get(at(maple, "portal:home")).status_code == 302
    # ... but the right password works again.
    assert _sign_in(maple, "casey.client", password) == Outcome.SIGNED_IN


def test_staff_unlock_a_locked_account(maple: Practice, casey: Client, owner: User) -> None:
    set_temporary_password(casey, by=by(owner))
    account = portal_account_for(casey)
    assert account is not None
    for _ in range(5):
        register_failure(account, by=Actor.system())
    account.refresh_from_db()
    assert is_locked(account)
    assert unlock_portal_account(casey, by=by(owner))
    account.refresh_from_db()
    assert not is_locked(account)
    assert AuditEvent.objects.filter(action="access.unlocked", client=casey).exists()


def test_an_invitation_is_refused_for_a_disabled_client(
    maple: Practice, casey: Client, owner: User
) -> None:
    disable_portal_access(casey, by=by(owner))
    with pytest.raises(AccessRefused, match="turned off"):
        send_invite(casey, by=by(owner))
