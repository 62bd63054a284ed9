"""Staff sign-in, practice settings, staff and access-history pages in a real browser."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Client
from portico.practices.models import Practice, Role
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at, make_staff


def test_staff_sign_in_with_a_wrong_then_the_right_password(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    page.goto(at(maple, "accounts:staff_sign_in"))
    page.get_by_label("Email address").fill("olivia@maple.test")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "That email/username and password do not match our records."
    )
    screenshot(page, "staff-sign-in-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{at(maple, 'clients:list')}")


def test_staff_sign_in_on_a_phone(phone: Any, live_server: Any, maple: Practice) -> None:
    phone.goto(at(maple, "accounts:staff_sign_in"))
    screenshot(phone, "staff-sign-in-phone")
    box = phone.get_by_role("button", name="Sign in").bounding_box()
    assert box["width"] <= 390


def test_the_settings_page_shows_a_specific_error_and_saves(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "practices:settings"))
    screenshot(page, "practice-settings")
    page.get_by_label("Sign staff out after this many idle minutes").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Use at least 5 minutes")).to_be_visible()
    screenshot(page, "practice-settings-error")
    page.get_by_label("Sign staff out after this many idle minutes").fill("20")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Practice settings saved.")).to_be_visible()
    maple.refresh_from_db()
    assert maple.staff_idle_minutes == 20


def test_the_settings_page_on_a_phone(
    phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    sign_in_as(phone, live_server, owner)
    phone.goto(at(maple, "practices:settings"))
    screenshot(phone, "practice-settings-phone")


def test_the_staff_page_invites_someone(
    page: Any, live_server: Any, maple: Practice, owner: User, front_desk: User
) -> None:
    make_staff(maple, owner, "ada@maple.test", "Ada", Role.ADMIN)
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "practices:staff"))
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Desk")
    page.get_by_label("Work email address").fill("dana@maple.test")
    page.get_by_label("Front desk", exact=False).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to dana@maple.test")).to_be_visible()
    screenshot(page, "staff-page")


def test_the_staff_page_on_a_phone(
    phone: Any, live_server: Any, maple: Practice, owner: User, front_desk: User
) -> None:
    sign_in_as(phone, live_server, owner)
    phone.goto(at(maple, "practices:staff"))
    screenshot(phone, "staff-page-phone")


def test_the_access_history_page(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User, casey: Client
) -> None:
    record(
        "access.invite.sent",
        practice=maple,
        actor=Actor.for_user(owner),
        client=casey,
        details={"email": "casey@example.com"},
    )
    record(
        "signin.failed", practice=maple, actor=Actor.system(), details={"reason": "wrong_password"}
    )
    for tab, name in ((page, "access-history"), (phone, "access-history-phone")):
        sign_in_as(tab, live_server, owner)
        tab.goto(at(maple, "audit:list"))
        expect(tab.get_by_text("Portal invitation sent to casey@example.com")).to_be_visible()
        screenshot(tab, name)
