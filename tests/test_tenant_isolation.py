"""One walk over every staff URL: another practice's staff never reach Maple's data.

The outsider (Oscar, owner of Birch) tries every staff URL twice:
- inside his own practice, with Maple's object ids in the URL: always 404, so
  nothing confirms that Maple's client exists;
- at Maple's address with his Birch session: the session means nothing there,
  so he is sent to sign in and never sees a page of Maple's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from portico.clients.models import Client
from portico.practices.models import Practice

# Pages for people who are not signed in yet: they show no practice data.
PUBLIC_STAFF_ROUTES = {
    "accounts:staff_sign_in",
    "accounts:staff_welcome",
    "accounts:staff_welcome_link",
}
_CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{entry.name or route}"


def staff_routes() -> list[tuple[str, str]]:
    resolver = get_resolver(settings.PRACTICE_URLCONF)
    routes = _routes(resolver.url_patterns)
    return sorted(
        {r for r in routes if r[0].startswith("staff/") and r[1] not in PUBLIC_STAFF_ROUTES}
    )


def _fill(route: str, client: Client) -> str:
    def value(match: re.Match[str]) -> str:
        kind = match["type"] or "str"
        if kind == "uuid":
            return str(client.public_id)
        if kind == "int":
            return str(client.pk)
        return "A" * 43  # a token-shaped value

    return "/" + _CONVERTER.sub(value, route.lstrip("^").rstrip("$"))


def test_the_walk_finds_the_staff_pages() -> None:
    names = {name for _, name in staff_routes()}
    assert "clients:list" in names
    assert len(names) >= 5


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_for_every_maple_object_url_in_his_own_practice(
    method: str, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    checked = []
    for route, name in staff_routes():
        if "<uuid:" not in route:
            continue
        path = f"/p/{birch.slug}" + _fill(route, casey)
        response = getattr(outsider_http, method)(path)
        # A GET on a POST-only action is refused before any lookup (405 says nothing).
        allowed = (404,) if method == "post" else (404, 405)
        assert response.status_code in allowed, f"{method.upper()} {name} ({path})"
        checked.append(name)
    assert checked, "no staff URL carries a client id"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_never_gets_a_page_of_maple_with_his_birch_session(
    method: str, casey: Client, maple: Practice, outsider_http: HttpClient
) -> None:
    for route, name in staff_routes():
        path = f"/p/{maple.slug}" + _fill(route, casey)
        response = getattr(outsider_http, method)(path)
        assert response.status_code in (302, 404, 405), f"{method.upper()} {name} ({path})"
        if response.status_code == 302:
            assert "/sign-in/" in response["Location"], f"{name} redirected elsewhere"
        assert b"Casey" not in response.content
