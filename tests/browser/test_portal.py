"""The client's side in a real browser: sign-in, forgot password, reset, change, home.

The reset email is read from the outbox row (the local mailbox page shows the
same row); its link is opened the way a client would, by path in this server.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from portico.accounts.models import User
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.browser.conftest import screenshot
from tests.cast import PASSWORD, at
from tests.portal.conftest import run_forgot_tasks

NEW = "a fresh and long passphrase"


@pytest.fixture
def casey_account(maple: Practice, casey_account: User) -> User:
    """Casey's account (tests/conftest.py), in a practice whose pages show its phone and email."""
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    return casey_account


def sign_in(tab: Any, practice: Practice, identifier: str, password: str) -> None:
    tab.goto(at(practice, "portal:sign_in"))
    tab.get_by_label("Email address or username").fill(identifier)
    tab.get_by_label("Password", exact=True).fill(password)
    tab.get_by_role("button", name="Sign in").click()


def go_home(tab: Any) -> None:
    """After signing in: the portal home, which lists what the practice waits for."""
    tab.get_by_role("heading", name="Hello, Casey").wait_for()


def reset_path(practice: Practice) -> str:
    run_forgot_tasks()  # the worker's part of "Forgot password?"
    email = OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).latest("created_at", "pk")
    match = re.search(r"/reset/([A-Za-z0-9_-]+)/", email.text_body)
    assert match
    return at(practice, "portal:reset_link", match.group(1))


def test_forgot_password_to_a_new_password_ends_the_old_session(
    page: Any, phone: Any, maple: Practice, casey_account: User
) -> None:
    # The old session, on the desktop.
    sign_in(page, maple, "casey", PASSWORD)
    go_home(page)

    # On the phone: forgot password.
    phone.goto(at(maple, "portal:sign_in"))
    phone.get_by_role("link", name="Forgot password?").click()
    phone.get_by_label("Email address or username").fill("casey@example.com")
    phone.get_by_role("button", name="Email me a link").click()
    phone.get_by_text("If an account matches, we've emailed a link").wait_for()
    screenshot(phone, "portal-forgot-sent-phone")

    # The emailed link: the token leaves the address bar.
    link = reset_path(maple)
    phone.goto(link)
    assert phone.url.endswith(at(maple, "portal:reset"))
    assert link.rsplit("/", 2)[-2] not in phone.url
    phone.get_by_label("New password", exact=True).fill(NEW)
    phone.get_by_label("New password again").fill(NEW)
    phone.get_by_role("button", name="Save new password").click()
    phone.get_by_text("Your password was changed. Sign in with your new password.").wait_for()
    screenshot(phone, "portal-after-reset-phone")

    # The desktop session is gone.
    page.goto(at(maple, "portal:home"))
    assert page.url.endswith(at(maple, "portal:sign_in"))

    # The new password works; the old one does not.
    sign_in(phone, maple, "casey", PASSWORD)
    phone.get_by_text("do not match our records").wait_for()
    sign_in(phone, maple, "casey", NEW)
    go_home(phone)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_of_the_portal_pages(
    request: pytest.FixtureRequest,
    transactional_db: None,
    width: str,
    maple: Practice,
    casey_account: User,
) -> None:
    tab = request.getfixturevalue("page" if width == "desktop" else "phone")
    tab.goto(at(maple, "portal:sign_in"))
    screenshot(tab, f"portal-sign-in-{width}")
    tab.get_by_role("button", name="Sign in").click()  # empty: the errors show
    tab.get_by_text("Enter your email address or username.").wait_for()
    screenshot(tab, f"portal-sign-in-errors-{width}")

    tab.goto(at(maple, "portal:forgot_password"))
    screenshot(tab, f"portal-forgot-password-{width}")
    tab.goto(at(maple, "portal:forgot_username"))
    screenshot(tab, f"portal-forgot-username-{width}")

    tab.goto(at(maple, "portal:forgot_password"))
    tab.get_by_label("Email address or username").fill("casey")
    tab.get_by_role("button", name="Email me a link").click()
    screenshot(tab, f"portal-forgot-sent-{width}")
    tab.goto(reset_path(maple))
    tab.get_by_label("New password", exact=True).fill("short")
    tab.get_by_label("New password again").fill("short")
    tab.get_by_role("button", name="Save new password").click()
    tab.get_by_text("too short").wait_for()
    screenshot(tab, f"portal-reset-{width}")

    sign_in(tab, maple, "casey", PASSWORD)
    go_home(tab)
    screenshot(tab, f"portal-home-{width}")
    tab.get_by_role("link", name="Change password").click()
    screenshot(tab, f"portal-change-password-{width}")
    tab.get_by_role("button", name="Sign out").first.click()
    tab.get_by_text("You are signed out.").wait_for()
