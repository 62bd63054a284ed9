from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

from portico.access.actions import set_temporary_password
from portico.access.models import AccessLink
from portico.access.queries import access_is_on, portal_account_for
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at, by

POST_ACTIONS = [
    "access:send_invite",
    "access:resend_invite",
    "access:send_reset",
    "access:reset_and_resend_welcome",
    "access:disable",
    "access:enable",
    "access:unlock",
]
ALL_ACTIONS = [*POST_ACTIONS, "access:temporary_password"]


@pytest.mark.parametrize("name", ALL_ACTIONS)
def test_the_outsider_gets_404_on_every_staff_access_url(
    maple: Practice, casey: Client, outsider_http: HttpClient, name: str
) -> None:
    # Signed in to Birch, trying Maple's client through Maple's URL and through Birch's.
    birch_path = at(outsider_http_practice(outsider_http), name, casey.public_id)
    assert outsider_http.post(birch_path).status_code == 404
    assert outsider_http.get(birch_path).status_code in (404, 405)
    assert not AccessLink.objects.filter(access__client=casey).exists()
    casey.refresh_from_db()
    assert access_is_on(casey)


def outsider_http_practice(http: HttpClient) -> Practice:
    user = User.objects.get(pk=http.session["_auth_user_id"])
    return user.practice


@pytest.mark.parametrize("name", ALL_ACTIONS)
def test_a_signed_in_staff_of_another_practice_is_nobody_here(
    maple: Practice, casey: Client, outsider_http: HttpClient, name: str
) -> None:
    response = outsider_http.post(at(maple, name, casey.public_id))
    assert response.status_code in (302, 404)  # the session does not count in Maple
    assert not AccessLink.objects.filter(access__client=casey).exists()


def test_staff_send_an_invitation_and_are_told_where_and_until_when(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    response = front_desk_http.post(at(maple, "access:send_invite", casey.public_id), follow=False)
    assert response.status_code == 302
    assert response["Location"] == at(maple, "clients:detail", casey.public_id)
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("Portal invitation sent to casey@example.com" in m for m in messages)
    assert AccessLink.objects.filter(access__client=casey, purpose="client_invite").count() == 1


def test_a_get_never_sends(maple: Practice, casey: Client, owner_http: HttpClient) -> None:
    response = owner_http.get(at(maple, "access:send_invite", casey.public_id))
    assert response.status_code == 405
    assert not AccessLink.objects.filter(access__client=casey).exists()


def test_the_sixth_send_is_refused_with_when_the_next_is_possible(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    for _ in range(5):
        owner_http.post(at(maple, "access:resend_invite", casey.public_id))
    response = owner_http.post(at(maple, "access:resend_invite", casey.public_id))
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("You can send again at" in m for m in messages)
    assert AccessLink.objects.filter(access__client=casey).count() == 5


def test_front_desk_cannot_set_a_temporary_password(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    path = at(maple, "access:temporary_password", casey.public_id)
    assert front_desk_http.get(path).status_code == 404
    assert front_desk_http.post(path).status_code == 404
    assert portal_account_for(casey) is None


def test_the_temporary_password_is_shown_once_and_nowhere_else(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    path = at(maple, "access:temporary_password", casey.public_id)
    confirm = owner_http.get(path)
    assert b"72 hours" in confirm.content
    response = owner_http.post(path, {"password": ""})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    match = re.search(rb'<code class="secret">([^<]+)</code>', response.content)
    assert match
    password = match.group(1).decode()
    account = portal_account_for(casey)
    assert account is not None and account.check_password(password)
    assert b"in person or by phone" in response.content
    # Not in the session, the messages, the audit or the outbox.
    session_text = str(dict(owner_http.session.items()))
    assert password not in session_text
    assert password not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    page = owner_http.get(at(maple, "clients:detail", casey.public_id))
    assert password.encode() not in page.content


def test_a_typed_temporary_password_must_pass_the_policy(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    path = at(maple, "access:temporary_password", casey.public_id)
    response = owner_http.post(path, {"password": "password"})
    assert response.status_code == 200
    assert b"too short" in response.content or b"too common" in response.content
    assert portal_account_for(casey) is None


def test_disable_and_enable_say_what_they_did(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    set_temporary_password(casey, by=by(owner))
    off = front_desk_http.post(at(maple, "access:disable", casey.public_id))
    assert off.status_code == 302
    casey.refresh_from_db()
    assert not access_is_on(casey)
    front_desk_http.post(at(maple, "access:enable", casey.public_id))
    casey.refresh_from_db()
    assert access_is_on(casey)


def test_sending_to_a_disabled_client_is_refused_plainly(
    maple: Practice, casey: Client, owner: User, owner_http: HttpClient
) -> None:
    owner_http.post(at(maple, "access:disable", casey.public_id))
    response = owner_http.post(at(maple, "access:send_invite", casey.public_id))
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("turned off" in m for m in messages)
    assert not AccessLink.objects.filter(access__client=casey, revoked_at__isnull=True).exists()
