"""Pages that may show client data are never stored by a browser or a proxy.

Every response of a practice to a signed-in staff or portal user, and every page
of a welcome or reset journey, carries ``Cache-Control: no-store``; static files,
/healthz and an anonymous visitor's public pages are left alone.
"""

from __future__ import annotations

from django.test import Client as HttpClient

from portico.access.actions import send_invite, send_password_reset
from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at, by, token_of
from tests.portal.conftest import register
from tests.staff_pages import Objects, path_in, staff_routes


def no_store(response: object) -> bool:
    return "no-store" in response.get("Cache-Control", "")  # type: ignore[attr-defined]


def test_every_staff_page_answers_a_signed_in_staff_member_with_no_store(
    maple: Practice, casey: Client, front_desk: User, owner: User, owner_http: HttpClient
) -> None:
    objects = Objects.build(casey, front_desk, owner)
    walked = []
    for route, name in staff_routes():
        response = owner_http.get(path_in(maple, route, objects))
        assert no_store(response), f"{name}: {response.status_code} {response.get('Cache-Control')}"
        walked.append(name)
    assert len(walked) >= 20


def test_portal_pages_answer_a_signed_in_client_with_no_store(
    maple: Practice, casey: Client, owner: User
) -> None:
    http = HttpClient()
    http.force_login(register(casey, owner, username="casey"))
    for name in ("portal:home", "portal:choose", "portal:change_password"):
        response = http.get(at(maple, name))
        assert no_store(response), f"{name}: {response.status_code}"


def test_the_welcome_journey_is_no_store_from_the_emailed_link_on(
    maple: Practice, casey: Client, owner: User
) -> None:
    token = token_of(send_invite(casey, by=by(owner)).link)
    http = HttpClient()
    assert no_store(http.get(at(maple, "access:welcome_link", token)))
    for name in ("access:welcome", "access:welcome_dob"):
        response = http.get(at(maple, name))
        assert response.status_code == 200
        assert no_store(response), name


def test_the_reset_journey_is_no_store_from_the_emailed_link_on(
    maple: Practice, casey: Client, owner: User
) -> None:
    register(casey, owner, username="casey")
    token = token_of(send_password_reset(casey, by=by(owner)).link)
    http = HttpClient()
    assert no_store(http.get(at(maple, "portal:reset_link", token)))
    response = http.get(at(maple, "portal:reset"))
    assert response.status_code == 200
    assert no_store(response)


def test_static_files_health_checks_and_public_pages_stay_cacheable(
    maple: Practice, owner_http: HttpClient
) -> None:
    # The same signed-in browser: only what may show client data is marked.
    static = owner_http.get("/static/portico/portico.css")
    assert static.status_code == 200
    assert not no_store(static)
    assert not no_store(owner_http.get("/healthz"))
    assert not no_store(HttpClient().get(at(maple, "portal:sign_in")))
