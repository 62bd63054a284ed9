"""Browser tests: Playwright (Python) driving Debian's Chromium against a live server.

Screenshots of key pages are kept in test-artifacts/screenshots/ (CI artifacts).
Without /usr/bin/chromium these tests are skipped with a message, except under
CI=true, where they fail: CI must install it (dev.py does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings, settings
from django.contrib.staticfiles.finders import get_finder
from django.test import Client as HttpClient

from portico.accounts.models import User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the tests themselves are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# A browser test whose wait ran out (Playwright's TimeoutError: a page or element did not
# come in time, usually on a busy two-core machine) is run once more; any other failure,
# or the same timeout twice, fails the suite. The summary shows each rerun ("R").
RERUN_ONCE_ON_TIMEOUT = pytest.mark.flaky(reruns=1, only_rerun=["TimeoutError"])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(RERUN_ONCE_ON_TIMEOUT)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package.")
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A small touch screen, to check pages work on a phone."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


VIEWPORTS: dict[str, dict[str, Any]] = {
    "page": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def local_mailbox(settings: LazySettings) -> None:
    """Emails land in the local mailbox (readable at /mailbox/), and the live server
    finds static files through the finders."""
    settings.LOCAL_MAILBOX = True
    settings.MAILERS = {"default": {"BACKEND": "portico.mail.backends.LocalMailboxBackend"}}
    settings.STATICFILES_DIRS = [Path(settings.BASE_DIR) / "portico" / "static"]
    get_finder.cache_clear()  # type: ignore[attr-defined]


@pytest.fixture
def tab_factory(browser: Any, live_server: Any) -> Iterator[Any]:
    """More tabs, each in its own browser (cookies apart): ``tab_factory("phone")``."""
    contexts: list[Any] = []

    def make(device: str) -> Any:
        context = browser.new_context(base_url=live_server.url, **VIEWPORTS[device])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in_as(tab: Any, live_server: Any, user: User) -> None:
    """Give the browser a real session for ``user`` (the sign-in forms have their own tests)."""
    http = HttpClient()
    http.force_login(user)
    cookie = http.cookies[settings.SESSION_COOKIE_NAME]
    tab.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def screenshot(tab: Any, name: str) -> Path:
    """The whole page as it is once loaded (a click may have just started a navigation:
    Chromium cannot capture a page in between, so that is waited out, up to 3 tries)."""
    from playwright.sync_api import Error as PlaywrightError

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    for attempt in range(3):
        tab.wait_for_load_state()
        try:
            tab.screenshot(path=str(path), full_page=True)
            return path
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == 2:
                raise
            tab.wait_for_timeout(250)
    return path
