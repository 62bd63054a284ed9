"""Every client-facing page, opened in Chromium and checked with axe-core (WCAG 2.2 A/AA),
on a desktop and a phone (and, before signing in, a phone in Spanish: ``<html lang>`` too).

Two walks per screen, one browser tab each:

- **Before signing in**: sign-in (and a wrong password), forgot password and username
  (and their "sent" pages), the welcome journey from a live invitation (landing, date of
  birth, a wrong date, the account step and a refused password), dead links (unknown,
  superseded, reset), a page that does not exist, the too-many-attempts page, and the
  staff sign-in and welcome pages.
- **Signed in**, in the demo practice with every portal feature on: the pages are found,
  not listed. The walk starts from the portal home and every parameter-free client-side
  route (the portal's, every feature's in ``FEATURE_MOUNTS``, security, language ...),
  then follows every portal link and GET form it sees (sign-out is a POST), as Alex (a
  client) and then as Jordan (a parent of two, who also has the chooser). A new portal
  page is walked as soon as it is mounted or linked. Each URL name (with its query keys)
  is checked once per screen; each feature's form is also sent with a slip, to check
  its errors.

The failure lists every violation: page, rule, help text and the elements' selectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, get_resolver, resolve

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.lib import ratelimit
from portico.operations.demo import DEMO_CLIENT_PASSWORD, DEMO_PARENT_EMAIL
from portico.operations.management.commands.seed_demo import create_demo
from portico.portal.features import FEATURE_MOUNTS
from portico.practices.models import PortalFeature, Practice
from tests.browser import axe
from tests.browser.conftest import VIEWPORTS, screenshot
from tests.cast import CASEY_DOB, at, token_of
from tests.staff_pages import _routes

pytestmark = pytest.mark.usefixtures("local_mailbox")

ALEX = "alex.active@example.com"
# Portal paths the crawl never opens: leaving the portal, or not a page of it.
_NOT_PORTAL = re.compile(r"^(staff|api|mailbox|static|media)/|^sign-out/")


@pytest.fixture(scope="session")
def axe_js() -> str:
    return axe.axe_or_skip()


# Screens: "page" (desktop) and "phone" from tests/browser/conftest.py, and a phone whose
# browser asks for Spanish (the pages before signing in follow Accept-Language).
SCREENS: dict[str, dict[str, Any]] = {
    "page": VIEWPORTS["page"],
    "phone": VIEWPORTS["phone"],
    "phone-es": {**VIEWPORTS["phone"], "locale": "es-MX"},
}


@pytest.fixture
def tab(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, **SCREENS[request.param])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.screen = request.param
    yield tab
    context.close()


class Walk:
    """Opens pages in one tab, runs axe on each and keeps every violation."""

    def __init__(self, tab: Any, device: str) -> None:
        self.tab, self.device = tab, device
        self.language = "es" if device.endswith("-es") else "en"
        self.violations: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str, *, staff: bool = False) -> None:
        """axe on the page open now; its <html lang> is the walk's (staff pages: English)."""
        self.tab.wait_for_load_state()
        expected = "en" if staff else self.language
        language = self.tab.evaluate("document.documentElement.lang")
        assert language == expected, f"{name}: <html lang={language!r}>, not {expected!r}"
        self.violations += axe.check(self.tab, f"{name} ({self.device}) {self.path()}")
        self.checked.append(name)
        if self.device.startswith("phone"):
            screenshot(self.tab, f"walk-{name.replace(':', '-')}-{self.device}")

    def open(self, path: str, name: str, *, status: int | None = 200, staff: bool = False) -> None:
        """Open ``path``; ``status`` None: any answer but a server error (dead links: 404, 410)."""
        response = self.tab.goto(path)
        assert response is not None, path
        if status is None:
            assert response.status < 500, (path, response.status)
        else:
            assert response.status == status, (path, response.status)
        self.check(name, staff=staff)

    def path(self) -> str:
        return urlsplit(str(self.tab.url)).path

    def assert_clean(self) -> None:
        if self.violations:
            pytest.fail(axe.report(self.violations), pytrace=False)


# --- before signing in ----------------------------------------------------------------


def _sign_in(tab: Any, practice: Practice, identifier: str, password: str) -> None:
    tab.goto(at(practice, "portal:sign_in"))
    tab.locator("main form input[name=identifier]").fill(identifier)
    tab.locator("main form input[name=password]").fill(password)
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_load_state()


@pytest.mark.parametrize("tab", ["page", "phone", "phone-es"], indirect=True)
def test_every_page_before_signing_in_passes_axe(
    tab: Any,
    axe_js: str,
    transactional_db: None,
    maple: Practice,
    owner: User,
    casey: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    walk = Walk(tab, tab.screen)
    # Once the link names the person, their language wins over the browser's.
    Client.objects.filter(pk=casey.pk).update(language=walk.language)

    walk.open(at(maple, "portal:sign_in"), "portal:sign_in")
    _sign_in(tab, maple, "nobody@example.com", "not the password")
    walk.check("portal:sign_in-refused")
    walk.open(at(maple, "portal:forgot_password"), "portal:forgot_password")
    tab.locator("main form input:not([type=hidden])").first.fill("casey@example.com")
    tab.locator("main form button[type=submit]").click()
    walk.check("portal:forgot_password-sent")
    walk.open(at(maple, "portal:forgot_username"), "portal:forgot_username")
    tab.locator("main form input:not([type=hidden])").first.fill("casey@example.com")
    tab.locator("main form button[type=submit]").click()
    walk.check("portal:forgot_username-sent")
    walk.open(
        at(maple, "portal:reset_link", "not-a-real-token"), "portal:reset_link-dead", status=None
    )
    walk.open(at(maple, "portal:reset"), "portal:reset-without-link", status=None)

    # The welcome journey, from a live invitation: superseded, then the live one.
    first = token_of(send_invite(casey, by=Actor.for_user(owner)).link)
    live = token_of(send_invite(casey, by=Actor.for_user(owner)).link)
    walk.open(
        at(maple, "access:welcome_link", first), "access:welcome_link-superseded", status=None
    )
    walk.open(
        at(maple, "access:welcome_link", "not-a-real-token"),
        "access:welcome_link-unknown",
        status=None,
    )
    walk.open(at(maple, "access:welcome_link", live), "access:welcome")
    walk.open(at(maple, "access:welcome_dob"), "access:welcome_dob")
    tab.locator("input[name=date_of_birth]").fill("01/01/1950")
    tab.locator("main form button[type=submit]").click()
    walk.check("access:welcome_dob-wrong")
    tab.locator("input[name=date_of_birth]").fill(CASEY_DOB.strftime("%m/%d/%Y"))
    tab.locator("main form button[type=submit]").click()
    tab.wait_for_url(re.compile(r"/welcome/account/$"))
    walk.check("access:welcome_account")
    tab.locator("input[type=password]").first.fill("short")
    tab.locator("input[type=password]").nth(1).fill("short")
    tab.locator("main form button[type=submit]").click()
    walk.check("access:welcome_account-refused")

    walk.open(f"/p/{maple.slug}/no-such-page/", "404", status=404)
    walk.open(at(maple, "accounts:staff_sign_in"), "accounts:staff_sign_in", staff=True)
    walk.open(
        at(maple, "accounts:staff_welcome"), "accounts:staff_welcome", status=None, staff=True
    )

    # Too many attempts: a limit of one link page a minute, opened twice.
    cache.clear()
    monkeypatch.setitem(ratelimit.RATE_LIMITS, "link_page", "1/m/ip")
    tab.goto(at(maple, "portal:reset_link", "whatever"))
    walk.open(at(maple, "portal:reset_link", "whatever"), "too_many_attempts", status=429)
    cache.clear()

    walk.assert_clean()
    assert len(walk.checked) >= 19, walk.checked


# --- signed in, every feature on -----------------------------------------------------


def _portal_name(path: str, slug: str) -> str | None:
    """The URL name of a portal page at ``path``, or None when it is not one."""
    prefix = f"/p/{slug}/"
    path = path.split("?")[0]
    if not path.startswith(prefix) or _NOT_PORTAL.match(path[len(prefix) :]):
        return None
    try:
        match = resolve("/" + path[len(prefix) :], urlconf=settings.PRACTICE_URLCONF)
    except Resolver404:
        return None
    return match.view_name


def _starting_points(slug: str) -> list[str]:
    """Every client-side route that needs no parameter: the portal's own, every feature's
    in ``FEATURE_MOUNTS``, and whatever other app mounts beside them (security settings,
    language). Those that only redirect a signed-in person (sign-in) are skipped by the
    crawl; the home comes first."""
    routes = {route for route, _ in _routes(get_resolver(settings.PRACTICE_URLCONF).url_patterns)}
    features = tuple(prefix for _feature, prefix, _module in FEATURE_MOUNTS)
    assert all(any(r.startswith(prefix) for r in routes) for prefix in features), features
    wanted = {r for r in routes if "<" not in r and not _NOT_PORTAL.match(r)}
    return [f"/p/{slug}/{route}" for route in ["", *sorted(wanted - {""})]]


# Where the page's links and GET forms lead (one URL per submit button of each form).
_LINKS = """() => {
  const links = [...document.querySelectorAll("a[href]")].map(a => {
    const url = new URL(a.href);
    return url.origin === location.origin ? url.pathname + url.search : "";
  });
  for (const form of document.querySelectorAll("form")) {
    if (form.method !== "get") continue;
    const buttons = [...form.querySelectorAll("button, input[type=submit]")];
    for (const button of buttons.length ? buttons : [null]) {
      const query = new URLSearchParams(new FormData(form, button)).toString();
      const url = new URL(form.action);
      links.push(url.pathname + (query ? "?" + query : ""));
    }
  }
  return links;
}"""


def _crawl(walk: Walk, slug: str, seen: dict[str, str]) -> None:
    """Open every portal page reachable by links from the starting points, once per name."""
    queue = _starting_points(slug)
    visited: set[str] = set()
    while queue:
        path = queue.pop(0)
        name = _portal_name(path, slug)
        if name and "?" in path:  # the same page asked something else: another page to check
            name += "?" + ",".join(sorted(parse_qs(urlsplit(path).query)))
        if path in visited or name is None or name in seen:
            continue
        visited.add(path)
        probe = walk.tab.context.request.get(path, max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue  # a download, a redirect (followed from its page's link) or refused
        seen[name] = path
        walk.open(path, name)
        queue += [href for href in walk.tab.evaluate(_LINKS) if href not in visited]


def _nothing(tab: Any) -> None:
    """Send the form as it is: its required fields empty."""


REFUSALS: dict[str, Callable[[Any], None]] = {
    "portal:change_password": _nothing,
    "portal_forms:fill": _nothing,
    "portal_messages:conversation": _nothing,
    "portal_insurance:insurance": lambda tab: tab.get_by_label("Member ID").first.fill(""),
    "portal_profile:profile": lambda tab: tab.get_by_label("Phone").first.fill("call me"),
}


@pytest.mark.parametrize("tab", ["page", "phone"], indirect=True)
def test_every_portal_page_signed_in_with_every_feature_on_passes_axe(
    tab: Any, axe_js: str, transactional_db: None
) -> None:
    practice = create_demo()
    practice.portal_features = [feature.value for feature in PortalFeature]
    practice.save(update_fields=["portal_features"])
    walk = Walk(tab, tab.screen)
    seen: dict[str, str] = {}

    _sign_in(tab, practice, ALEX, DEMO_CLIENT_PASSWORD)
    assert _portal_name(walk.path(), practice.slug) is not None, walk.path()
    _crawl(walk, practice.slug, seen)
    # Each feature's form sent with a slip (nothing filled in, a member ID taken out, a
    # phone number that is not one): the errors, as a client sees them.
    for name, slip in REFUSALS.items():
        tab.goto(seen[name])
        slip(tab)
        tab.locator("main form button[type=submit]").first.click()
        tab.locator("main [role=alert]").first.wait_for()
        walk.check(f"{name}-refused")
    tab.context.clear_cookies()
    _sign_in(tab, practice, DEMO_PARENT_EMAIL, DEMO_CLIENT_PASSWORD)
    _crawl(walk, practice.slug, seen)

    assert {"portal:home", "portal:choose", "portal:change_password"} <= set(seen), seen
    walk.assert_clean()
    assert len(seen) >= 15, sorted(seen)
