"""The access-problems page in a browser, on the demo: one row of each kind, and each fix,
done where it lives, removing its row."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portico.access.bulk import run_bulk_invite
from portico.access.models import BulkInvite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.operations.management.commands.seed_demo import OWNER_EMAIL, create_demo
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at

pytestmark = pytest.mark.usefixtures("local_mailbox")

KINDS = 9


def _demo(tab: Any, live_server: Any) -> Practice:
    practice = create_demo()
    Practice.objects.filter(pk=practice.pk).update(require_staff_two_factor=False)
    owner = User.objects.get(practice=practice, email=OWNER_EMAIL)
    sign_in_as(tab, live_server, owner)
    return practice


def _open_list(tab: Any, live_server: Any, practice: Practice) -> Any:
    tab.goto(live_server.url + at(practice, "problems:list"))
    return tab.locator("tbody tr")


def _fix(tab: Any, live_server: Any, practice: Practice, label: str, person: str) -> None:
    """Follow the row's fix link; the caller then does the fix on that page."""
    _open_list(tab, live_server, practice)
    tab.get_by_role("link", name=f"{label} for {person}").click()


def _row_gone(tab: Any, live_server: Any, practice: Practice, person: str, left: int) -> None:
    rows = _open_list(tab, live_server, practice)
    assert rows.count() == left, (person, rows.all_inner_texts())
    expect(tab.locator("main")).not_to_contain_text(person, use_inner_text=True)
    top_bar = tab.get_by_role("navigation", name="Staff").inner_text()
    assert (f"Access problems {left}" in top_bar) if left else ("Access problems" in top_bar)


def test_every_kind_in_the_demo_and_each_fix_removes_its_row(page: Any, live_server: Any) -> None:
    tab = page
    practice = _demo(tab, live_server)
    rows = _open_list(tab, live_server, practice)
    assert rows.count() == KINDS
    text = tab.locator("tbody").inner_text()
    for words in (
        "bounced: 550 5.1.1",
        "marked as spam",
        "expired on",
        "has not been opened in 1 day",
        "too many wrong dates of birth",
        "is locked after",
        "expired unused",
        "but portal access is off for Dana Disabled",
        "turned 18 on",
    ):
        assert words in text, words
    expect(tab.get_by_role("navigation", name="Staff")).to_contain_text(
        f"Access problems {KINDS}", use_inner_text=True
    )
    screenshot(tab, "access-problems-demo-page")

    # Filter by clinician: Priya Shah sees Bea, Una, Evan and Lou.
    tab.get_by_label("Clinician").select_option(label="Priya Shah")
    tab.get_by_role("button", name="Show").click()
    expect(tab.locator("tbody tr")).to_have_count(4)
    screenshot(tab, "access-problems-clinician-page")

    left = KINDS
    # Invitations: a new one from the client's page (bounced, spam, unopened, dates of birth).
    for label, person in (
        ("Fix the address", "Bea Bounced"),
        ("Check the address", "Skye Spam"),
        ("Resend the invitation", "Una Unopened"),
        ("Check and resend", "Dora Birthdate"),
    ):
        _fix(tab, live_server, practice, label, person)
        tab.get_by_role("button", name="Resend invite").first.click()
        left -= 1
        _row_gone(tab, live_server, practice, person, left)

    # Expired: the bulk resend from the page, through the bulk invitation.
    _open_list(tab, live_server, practice)
    tab.get_by_role("link", name="Resend all expired invitations…").click()
    expect(tab.locator("main")).to_contain_text("Evan Expired", use_inner_text=True)
    screenshot(tab, "access-problems-resend-expired-page")
    tab.get_by_role("button", name="Send 1 invitation").click()
    run_bulk_invite.call(BulkInvite.objects.get(practice=practice).pk)  # what the worker does
    left -= 1
    _row_gone(tab, live_server, practice, "Evan Expired", left)

    _fix(tab, live_server, practice, "Unlock", "Lou Locked")
    tab.get_by_role("button", name="Unlock").first.click()
    left -= 1
    _row_gone(tab, live_server, practice, "Lou Locked", left)

    _fix(tab, live_server, practice, "Set a new password", "Tara Timeout")
    tab.get_by_role("link", name="Set a temporary password").first.click()
    tab.get_by_role("button", name="Set temporary password").click()
    left -= 1
    _row_gone(tab, live_server, practice, "Tara Timeout", left)

    _fix(tab, live_server, practice, "Turn access on", "Dana Disabled")
    tab.get_by_role("button", name="Enable portal access").first.click()
    left -= 1
    _row_gone(tab, live_server, practice, "Dana Disabled", left)

    _fix(tab, live_server, practice, "Review access", "Cody Coming")
    tab.get_by_role("button", name="Mark reviewed").click()
    left -= 1
    _row_gone(tab, live_server, practice, "Cody Coming", left)
    expect(tab.get_by_text("Nobody is stuck")).to_be_visible()
    screenshot(tab, "access-problems-none-page")


def test_the_page_on_a_phone(phone: Any, live_server: Any) -> None:
    tab = phone
    practice = _demo(tab, live_server)
    assert _open_list(tab, live_server, practice).count() == KINDS
    screenshot(tab, "access-problems-demo-phone")
    _fix(tab, live_server, practice, "Unlock", "Lou Locked")
    tab.get_by_role("button", name="Unlock").first.click()
    _row_gone(tab, live_server, practice, "Lou Locked", KINDS - 1)
    tab.get_by_label("Kind of problem").select_option("expired")
    tab.get_by_role("button", name="Show").click()
    expect(tab.locator("tbody tr")).to_have_count(1)
    screenshot(tab, "access-problems-expired-phone")

    # Name Skye's clinician on her Personal information page: the filter finds her.
    skye = Client.objects.get(practice=practice, first_name="Skye")
    tab.goto(live_server.url + at(practice, "clients:personal_information", skye.public_id))
    tab.get_by_role("combobox", name="Clinician").select_option(label="Priya Shah")
    tab.get_by_role("button", name="Save clinician").click()
    expect(tab.get_by_text("Clinician saved.")).to_be_visible()
    screenshot(tab, "access-problems-clinician-card-phone")
    _open_list(tab, live_server, practice)
    tab.get_by_label("Clinician").select_option(label="Priya Shah")
    tab.get_by_role("button", name="Show").click()
    expect(tab.locator("tbody")).to_contain_text("Skye Spam", use_inner_text=True)
    assert tab.locator("tbody tr").count() == 4  # Bea, Una, Evan and now Skye (Lou is fixed)
