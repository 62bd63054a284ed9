"""One walk over every staff URL: another practice's staff never reach Maple's data.

The outsider (Oscar, owner of Birch) tries every staff URL twice, with Maple's
real objects (a client, their email, a contact, a staff member) in the URL:
- inside his own practice: always 404, so nothing confirms they exist;
- at Maple's address with his Birch session: the session means nothing there,
  so he is sent to sign in and never sees a page of Maple's.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.staff_pages import Objects, path_in, staff_routes

OBJECT_IDS = (
    *("public_id", "contact_id", "email_id", "user_id", "bulk_id", "endpoint_id", "key_id"),
    "import_id",
)


@pytest.fixture
def maples_objects(casey: Client, front_desk: User, owner: User) -> Objects:
    return Objects.build(casey, front_desk, owner)


def test_the_walk_finds_the_staff_pages() -> None:
    names = {name for _, name in staff_routes()}
    assert {"clients:list", "clients:detail", "practices:settings", "mail:activity"} <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_for_every_maple_object_url_in_his_own_practice(
    method: str, maples_objects: Objects, birch: Practice, outsider_http: HttpClient
) -> None:
    checked = []
    # The portal features' own ids (form_id, appointment_id …) name Maple's objects too.
    object_ids = (*OBJECT_IDS, *maples_objects.feature_values)
    for route, name in staff_routes():
        if not any(f":{name}>" in route for name in object_ids):
            continue  # no object of Maple's in it (an email kind is every practice's own)
        path = path_in(birch, route, maples_objects)
        response = getattr(outsider_http, method)(path)
        # A GET on a POST-only action is refused before any lookup (405 says nothing).
        allowed = (404,) if method == "post" else (404, 405)
        assert response.status_code in allowed, f"{method.upper()} {name} ({path})"
        checked.append(name)
    assert len(checked) >= 40


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_never_gets_a_page_of_maple_with_his_birch_session(
    method: str, maples_objects: Objects, maple: Practice, outsider_http: HttpClient
) -> None:
    for route, name in staff_routes():
        path = path_in(maple, route, maples_objects)
        response = getattr(outsider_http, method)(path)
        assert response.status_code in (302, 404, 405), f"{method.upper()} {name} ({path})"
        if response.status_code == 302:
            assert "/sign-in/" in response["Location"], f"{name} redirected elsewhere"
        assert b"Casey" not in response.content
