"""A branded practice in a real browser: the portal (sign-in, home) and an email in the
local mailbox show its logo and accent colour, at desktop and phone widths; the
branding page previews a colour as it is typed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailKind, LocalMailboxMessage
from portico.mail.outbox import queue_email
from portico.practices.brand_rules import check_logo
from portico.practices.branding import set_accent_colour, set_practice_logo
from portico.practices.models import Practice
from tests.browser.axe import check, report
from tests.browser.conftest import screenshot, sign_in_as
from tests.browser.test_portal import sign_in
from tests.cast import PASSWORD, at
from tests.mail.conftest import run_worker
from tests.portal.conftest import register
from tests.practices.brand_files import logo_png, upload

pytestmark = pytest.mark.usefixtures("local_mailbox")

PLUM = "#7A2E8C"
PLUM_RGB = "rgb(122, 46, 140)"


@pytest.fixture
def branded(maple: Practice, owner: User, settings: LazySettings, live_server: Any) -> Practice:
    # Emails point at the practice's configured address: here, the live server.
    settings.BASE_URL = live_server.url
    by = Actor.for_user(owner)
    set_practice_logo(maple, logo=check_logo(upload(logo_png(), "maple.png")), by=by)
    set_accent_colour(maple, colour=PLUM, by=by)
    return maple


def logo_loaded(scope: Any) -> bool:
    image = scope.locator("img.brand-logo, img[alt='Maple Counseling']").first
    image.wait_for()
    return bool(image.evaluate("img => img.complete && img.naturalWidth > 0"))


def no_axe_violations(tab: Any, where: str) -> None:
    violations = check(tab, where)
    assert not violations, report(violations)


def background(tab: Any, selector: str) -> str:
    return str(tab.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor"))


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_portal_shows_the_logo_and_colour_on_sign_in_and_home(
    request: pytest.FixtureRequest, device: str, branded: Practice, casey: Client, owner: User
) -> None:
    register(casey, owner, username="casey")
    tab = request.getfixturevalue(device)
    tab.goto(at(branded, "portal:sign_in"))
    logo = tab.get_by_role("img", name="Maple Counseling")
    assert logo.is_visible() and logo_loaded(tab)
    assert background(tab, ".portal-bar") == PLUM_RGB
    assert background(tab, "button[type=submit]:not(.button-link)") == PLUM_RGB
    bookmark = tab.locator("p.bookmark")
    expect(bookmark).to_contain_text("Bookmark this address:", use_inner_text=True)
    assert bookmark.get_by_role("link").inner_text().endswith("/p/maple/")
    if device == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    no_axe_violations(tab, f"branded sign-in ({device})")
    screenshot(tab, f"branding-portal-sign-in-{device}")

    sign_in(tab, branded, "casey", PASSWORD)
    tab.get_by_role("heading", name="Hello, Casey").wait_for()
    assert logo_loaded(tab)
    assert background(tab, ".portal-bar") == PLUM_RGB
    if device == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    no_axe_violations(tab, f"branded home ({device})")
    screenshot(tab, f"branding-portal-home-{device}")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_an_email_in_the_local_mailbox_shows_the_logo_and_the_coloured_button(
    request: pytest.FixtureRequest, device: str, branded: Practice, casey: Client
) -> None:
    with transaction.atomic():
        queue_email(
            practice=branded,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={
                "greeting_name": casey.greeting_name,
                "link": f"{branded.pk}-example-link",
                "link_expires": timezone.now() + timedelta(hours=48),
            },
            client=casey,
        )
    run_worker()
    message = LocalMailboxMessage.objects.latest("received_at")
    tab = request.getfixturevalue(device)
    tab.goto(f"/mailbox/{message.pk}/")
    frame = tab.frame_locator("iframe.mailbox-html")
    frame.get_by_text("Set up my account").wait_for()
    assert logo_loaded(frame)
    button = frame.get_by_role("link", name="Set up my account")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == PLUM_RGB
    screenshot(tab, f"branding-email-{device}")


def test_the_branding_page_previews_a_colour_as_it_is_typed_and_refuses_a_pale_one(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "practices:branding"))
    page.get_by_role("textbox", name="Accent colour").fill("#1F6B75")
    assert background(page, "#brand-preview .portal-bar") == "rgb(31, 107, 117)"
    expect(page.locator("#contrast-live")).not_to_contain_text("4.5", use_inner_text=True)
    page.get_by_role("textbox", name="Accent colour").fill("#7A7A7A")
    expect(page.locator("#contrast-live")).to_contain_text("4.29:1", use_inner_text=True)
    page.get_by_role("button", name="Save colour").click()
    page.get_by_text("#7A7A7A on white is 4.29:1").wait_for()
    page.get_by_role("textbox", name="Accent colour").fill("#1F6B75")
    page.get_by_role("button", name="Save colour").click()
    page.get_by_text("Accent colour saved.").wait_for()
    page.get_by_label("Logo file").set_input_files(
        files=[{"name": "maple.png", "mimeType": "image/png", "buffer": logo_png()}]
    )
    page.locator("#preview-logo").wait_for(state="visible")
    screenshot(page, "branding-staff-page-preview")
    page.get_by_role("button", name="Upload logo").click()
    page.get_by_text("Logo saved.").wait_for()
    assert logo_loaded(page.locator("#brand-preview"))
    no_axe_violations(page, "branding page")
    screenshot(page, "branding-staff-page")
