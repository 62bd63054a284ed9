"""A portal feature that is off does not exist: every URL of it is a 404 with no hint.

The walk finds every URL of the four feature urlconfs in the practice's resolver
(like the staff-page walk in tests/staff_pages.py), fills each parameter with a
random value, and asks as a visitor, as a signed-in client of the practice and as
a signed-in staff member, with GET and POST. Each answer must be the very bytes of
an unknown address's 404. With the feature on, its first page opens for a client.

Then the access rules on the features' pages: a portal user of another practice
never gets in, and a contact whose access was ended is refused on the next request.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import get_resolver, resolve

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.portal.features import FEATURE_MOUNTS, PORTAL_NAV
from portico.practices.models import PortalFeature, Practice, default_features
from tests.cast import Family, at, attach, end_contact_access, invite, make_client, register_new
from tests.portal.conftest import register, signed_in
from tests.staff_pages import _routes


@dataclass(frozen=True)
class Feature:
    feature: PortalFeature
    prefix: str  # where urls_practice mounts it
    first_page: str | None  # the page the portal menu links to


# Every feature with portal pages, where it is mounted, and the page its menu entry opens
# (None: no menu entry, e.g. telehealth's Join lives beside each video appointment).
_FIRST_PAGES = {feature: name for feature, _label, name in PORTAL_NAV}
FEATURES = tuple(
    Feature(feature, prefix, _FIRST_PAGES.get(feature))
    for feature, prefix, _module in FEATURE_MOUNTS
)
IN_MENU = tuple(feature for feature in FEATURES if feature.first_page)
BY_NAME = {f.feature.value: f for f in FEATURES}
_PARAMETER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")
_FILL: dict[str, Callable[[], str]] = {
    "uuid": lambda: str(uuid.uuid4()),
    "int": lambda: str(random.randint(1, 2**31 - 1)),  # noqa: S311 (not a secret)
    "slug": lambda: f"x-{uuid.uuid4().hex[:8]}",
    "str": lambda: f"x{uuid.uuid4().hex[:8]}",
    "path": lambda: f"x/{uuid.uuid4().hex[:8]}",
}


def routes_of(feature: Feature) -> list[str]:
    """Every route of the feature in the practice URLconf, relative to the practice's root."""
    every = _routes(get_resolver(settings.PRACTICE_URLCONF).url_patterns)
    return sorted({route for route, _ in every if route.startswith(feature.prefix)})


def filled(practice: Practice, route: str) -> str:
    return f"/p/{practice.slug}/" + _PARAMETER.sub(lambda m: _FILL[m["type"] or "str"](), route)


def unknown_page(http: HttpClient, practice: Practice) -> bytes:
    """The 404 of an address that never existed, as ``http`` sees it."""
    response = http.get(f"/p/{practice.slug}/no-such-page-{uuid.uuid4().hex}/")
    assert response.status_code == 404
    return response.content


def only_on(practice: Practice, *features: str) -> None:
    practice.portal_features = list(features)
    practice.save(update_fields=["portal_features"])


def everything_but(feature: Feature) -> list[str]:
    return [value for value in default_features() if value != feature.feature.value]


@pytest.fixture(params=["visitor", "client", "staff"])
def who(request: pytest.FixtureRequest, maple: Practice, owner: User) -> HttpClient:
    if request.param == "visitor":
        return HttpClient()
    if request.param == "staff":
        http = HttpClient()
        http.force_login(owner)
        return http
    request.getfixturevalue("casey_account")
    http = signed_in(maple, "casey")
    http.get(at(maple, "portal:home"))  # shows (and so drains) any sign-in message
    return http


# --- the shape of the feature URLconfs --------------------------------------------------------


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.feature.value)
def test_each_feature_has_pages_and_its_first_page(feature: Feature) -> None:
    """Fails until the feature's pages exist (issue 10 builds all four)."""
    routes = routes_of(feature)
    assert routes, f"{feature.prefix} has no pages yet"
    if feature.first_page:
        assert at(Practice(slug="maple"), feature.first_page)


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.feature.value)
def test_every_page_of_a_feature_passes_through_its_switch(
    maple: Practice, feature: Feature
) -> None:
    for route in routes_of(feature):
        path = filled(maple, route).removeprefix("/p/maple")
        view = resolve(path, urlconf=settings.PRACTICE_URLCONF).func
        assert getattr(view, "portal_feature", None) == feature.feature, route


# --- feature off: 404, the same bytes as an unknown address -----------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.feature.value)
def test_every_url_of_a_feature_that_is_off_is_a_404_without_a_hint(
    maple: Practice, who: HttpClient, feature: Feature, method: str
) -> None:
    only_on(maple, *everything_but(feature))
    expected = unknown_page(who, maple)
    wrong = []
    for route in routes_of(feature):
        path = filled(maple, route)
        response = getattr(who, method)(path)
        if response.status_code != 404 or response.content != expected:
            wrong.append(f"{method.upper()} {path} -> {response.status_code}")
    assert wrong == []


def test_an_unknown_address_and_a_switched_off_page_answer_the_same_bytes(
    maple: Practice, casey_account: User
) -> None:
    # The walk above compares pages of the features; this one pins the comparison itself
    # on the one page every feature module must have (present whatever the walk finds).
    only_on(maple)
    http = signed_in(maple, "casey")
    http.get(at(maple, "portal:home"))
    unknown = unknown_page(http, maple)
    for feature in FEATURES:
        response = http.get(f"/p/maple/{feature.prefix}")
        assert response.status_code == 404
        assert response.content == unknown
        assert "portal" not in response.content.decode().lower()


# --- feature on: its first page opens ---------------------------------------------------------


@pytest.mark.parametrize("feature", IN_MENU, ids=lambda f: f.feature.value)
def test_with_the_feature_on_its_first_page_opens_for_a_signed_in_client(
    maple: Practice, casey_account: User, feature: Feature
) -> None:
    only_on(maple, feature.feature.value)
    response = signed_in(maple, "casey").get(at(maple, str(feature.first_page)))
    assert response.status_code == 200


# --- another practice's portal user -----------------------------------------------------------


@pytest.fixture
def birch_client_account(birch: Practice, outsider: User) -> User:
    """Bea, a client of Birch with her own portal account (signed in at Birch)."""
    bea = make_client(birch, outsider, "Bea", "Birch", emails=("bea@example.com",))
    return register(bea, outsider, username="bea")


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.feature.value)
@pytest.mark.parametrize("on", [True, False], ids=["on", "off"])
def test_a_portal_user_of_another_practice_never_gets_into_maples_feature_pages(
    maple: Practice,
    birch: Practice,
    casey_account: User,
    birch_client_account: User,
    feature: Feature,
    on: bool,
) -> None:
    only_on(maple, feature.feature.value) if on else only_on(maple)
    bea = signed_in(birch, "bea")
    sign_in = at(maple, "portal:sign_in")
    for route in routes_of(feature):
        for method in ("get", "post"):
            response = getattr(bea, method)(filled(maple, route))
            # On: the sign-in page (or a page that takes only the other method); off: 404.
            allowed = (302, 404, 405) if on else (404,)
            assert response.status_code in allowed, (route, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(sign_in), route
            assert b"Casey" not in response.content
    # And her own portal still works: the refusal is about Maple only.
    assert bea.get(at(birch, "portal:home")).status_code == 200


# --- a contact whose access ended -------------------------------------------------------------


@pytest.mark.parametrize("feature", IN_MENU, ids=lambda f: f.feature.value)
def test_a_contact_whose_access_ended_is_refused_on_the_next_request_to_a_feature_page(
    maple: Practice, family: Family, owner: User, feature: Feature
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    http = signed_in(maple, pat.username)
    first_page = at(maple, str(feature.first_page))
    assert http.get(first_page).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    response = http.get(first_page)
    assert response.status_code == 403
    assert "You no longer have access to Mia&#x27;s portal." in response.content.decode()
    for route in routes_of(feature):
        for method in ("get", "post"):
            answer = getattr(http, method)(filled(maple, route))
            assert answer.status_code in (403, 404, 405), (route, method, answer.status_code)


def test_a_parent_whose_access_to_one_child_ended_is_sent_to_choose_again(
    maple: Practice, family: Family, owner: User
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    attach(invite(family.pat_for_leo, owner), pat)
    http = signed_in(maple, pat.username)
    http.post(at(maple, "portal:choose"), {"client": str(family.mia.public_id)})
    messages_page = at(maple, "portal_messages:conversation")
    assert http.get(messages_page).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    response = http.get(messages_page)
    assert response.status_code == 302
    assert response["Location"] == at(maple, "portal:choose")
    assert Client.objects.filter(pk=family.leo.pk).exists()
