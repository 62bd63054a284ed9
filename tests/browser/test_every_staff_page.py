"""Every staff page, opened in Chromium, photographed and checked with axe-core, on a
desktop and a phone.

The list of pages is the URLconf itself (tests/staff_pages.py), so a new staff
page is walked without anyone remembering to add it. Pages that only accept POST
(buttons) are skipped: the page holding their button is photographed instead.
Every page must have no WCAG 2.2 A/AA violation that axe finds (tests/browser/axe.py);
the failure lists all of them, page by page, with the rule and the elements.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from portico.access.bulk import run_bulk_invite, start_bulk_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.minors import find_clients_coming_of_age
from portico.lib.localtime import practice_today
from portico.practices.models import Practice
from tests.browser import axe
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client
from tests.staff_pages import NOT_PAGES, Objects, path_in, staff_routes


def _riley(maple: Practice, owner: User) -> Objects:
    """A client who turned 18 today (so the coming-of-age review exists), with a parent."""
    today = practice_today(maple)
    born = date(today.year - 18, today.month, min(today.day, 28))
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        riley = make_client(maple, owner, "Riley", "Reed", emails=("riley@example.com",), dob=born)
    find_clients_coming_of_age(today, practice=maple)
    front_desk = User.objects.get(practice=maple, email="frank@maple.test")
    return Objects.build(riley, front_desk, owner)


@pytest.fixture(scope="session")
def axe_js() -> str:
    return axe.axe_or_skip()


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_every_staff_page_opens_for_the_owner_is_photographed_and_passes_axe(
    tab_name: str,
    axe_js: str,
    request: Any,
    live_server: Any,
    maple: Practice,
    owner: User,
    front_desk: User,
) -> None:
    tab = request.getfixturevalue(tab_name)
    objects = _riley(maple, owner)
    sign_in_as(tab, live_server, owner)
    shown: list[str] = []
    broken: list[str] = []
    violations: list[str] = []
    for route, name in staff_routes():
        if name in NOT_PAGES:
            continue
        try:
            url = live_server.url + path_in(maple, route, objects)
        except KeyError as missing:  # a new URL parameter tests/staff_pages.py cannot fill yet
            broken.append(f"{name}: {missing}")
            continue
        if tab.context.request.get(url, max_redirects=0).status == 405:
            continue  # a POST-only action: Chromium shows nothing for an empty 405
        response = tab.goto(url)
        # Every page is walked before failing, so one broken page hides no other's problem.
        if response is None or response.status != 200:
            broken.append(f"{name}: {response.status if response else 'no response'}")
            continue
        if tab.locator("h1").count() < 1:
            broken.append(f"{name} has no heading")
        screenshot(tab, f"staff-{name.replace(':', '-')}-{tab_name}")
        violations += axe.check(tab, f"{name} ({tab_name})")
        shown.append(name)
    if broken or violations:
        pytest.fail("\n".join([*broken, axe.report(violations)]), pytrace=False)
    assert len(shown) >= 20, shown


def test_a_progress_page_updates_in_place_without_reloading(
    page: Any, axe_js: str, live_server: Any, maple: Practice, owner: User
) -> None:
    """No timed reload (axe's meta-refresh rule, WCAG 2.2.1): the progress card is fetched
    again every few seconds and replaced in place, its news said by one polite live region."""
    make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    bulk = start_bulk_invite(maple, by=Actor.for_user(owner))
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "access:bulk_invite_progress", bulk.public_id))
    page.get_by_role("heading", name="Bulk invitation: waiting to start").wait_for()
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    assert axe.check(page, "bulk invitation, waiting") == []
    page.evaluate("() => { window.stillTheSamePage = true; }")

    run_bulk_invite.call(bulk.pk)  # what the worker does
    page.get_by_role("heading", name="Bulk invitation: finished").wait_for()
    assert page.evaluate("() => window.stillTheSamePage") is True, "the page was reloaded"
    expect(page.locator("[aria-live=polite]")).to_contain_text("1 invitation", use_inner_text=True)
    assert page.locator("[data-refresh-seconds]").count() == 0  # finished: no more fetching
    assert axe.check(page, "bulk invitation, finished") == []
