"""Every clients URL answers 404 to anyone who must not know the client exists."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.clients.queries import get_client_for_staff
from portico.practices.models import Practice
from portico.practices.roles import Can
from tests.cast import at


def client_urls(practice: Practice, client: Client) -> list[str]:
    email_id = client.emails.get().pk
    return [
        at(practice, "clients:detail", client.public_id),
        at(practice, "clients:personal_information", client.public_id),
        at(practice, "clients:archive", client.public_id),
        at(practice, "clients:add_email", client.public_id),
        at(practice, "clients:change_email", client.public_id, email_id),
        at(practice, "clients:remove_email", client.public_id, email_id),
        at(practice, "clients:make_default_email", client.public_id, email_id),
        at(practice, "clients:confirm_email", client.public_id, email_id),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_on_every_clients_url_for_a_maple_client(
    method: str, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    for path in client_urls(birch, casey):
        response = getattr(outsider_http, method)(path)
        assert response.status_code == 404, path
    casey.refresh_from_db()
    assert casey.archived_at is None
    assert casey.emails.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_portal_user_gets_404_on_every_clients_url(
    method: str, maple: Practice, casey: Client
) -> None:
    portal_user = User.objects.create(practice=maple, kind="portal", username="casey")
    http = HttpClient()
    http.force_login(portal_user)
    for path in [at(maple, "clients:list"), at(maple, "clients:add"), *client_urls(maple, casey)]:
        assert getattr(http, method)(path).status_code == 404, path


def test_nobody_signed_in_is_sent_to_the_staff_sign_in(maple: Practice, casey: Client) -> None:
    for path in [at(maple, "clients:list"), *client_urls(maple, casey)]:
        response = HttpClient().get(path)
        assert response.status_code == 302
        assert "/staff/sign-in/" in response["Location"]


def test_the_scoped_lookup_refuses_other_practices_and_portal_users(
    casey: Client, birch: Practice, outsider: User, owner: User, maple: Practice
) -> None:
    from django.http import Http404

    assert get_client_for_staff(owner, maple, casey.public_id) == casey
    with pytest.raises(Http404):
        get_client_for_staff(outsider, birch, casey.public_id)
    with pytest.raises(Http404):
        get_client_for_staff(outsider, maple, casey.public_id)
    portal_user = User.objects.create(practice=maple, kind="portal", username="casey")
    with pytest.raises(Http404):
        get_client_for_staff(portal_user, maple, casey.public_id, capability=Can.VIEW_CLIENTS)


def test_maple_staff_open_the_client_page(
    front_desk_http: HttpClient, maple: Practice, casey: Client
) -> None:
    response = front_desk_http.get(at(maple, "clients:detail", casey.public_id))
    assert response.status_code == 200
    assert b"Casey Client" in response.content
