"""Every staff page, opened in Chromium and photographed, on a desktop and a phone.

The list of pages is the URLconf itself (tests/staff_pages.py), so a new staff
page is walked without anyone remembering to add it. Pages that only accept POST
(buttons) are skipped: the page holding their button is photographed instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.minors import find_clients_coming_of_age
from portico.lib.localtime import practice_today
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import make_client
from tests.staff_pages import Objects, path_in, staff_routes

# Downloads, not pages.
# Downloads, not pages (no heading to check): CSV exports and a card photo.
NOT_PAGES = {
    "audit:export",
    "imports:dry_run_csv",
    "imports:results_csv",
    "staff_profiles:file",
    "staff_documents:file",
    "staff_documents:uploaded_file",
}


def _riley(maple: Practice, owner: User) -> Objects:
    """A client who turned 18 today (so the coming-of-age review exists), with a parent."""
    today = practice_today(maple)
    born = date(today.year - 18, today.month, min(today.day, 28))
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        riley = make_client(maple, owner, "Riley", "Reed", emails=("riley@example.com",), dob=born)
    find_clients_coming_of_age(today, practice=maple)
    front_desk = User.objects.get(practice=maple, email="frank@maple.test")
    return Objects.build(riley, front_desk, owner)


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_every_staff_page_opens_for_the_owner_and_is_photographed(
    tab_name: str,
    request: Any,
    live_server: Any,
    maple: Practice,
    owner: User,
    front_desk: User,
) -> None:
    tab = request.getfixturevalue(tab_name)
    objects = _riley(maple, owner)
    sign_in_as(tab, live_server, owner)
    shown = []
    for route, name in staff_routes():
        if name in NOT_PAGES:
            continue
        url = live_server.url + path_in(maple, route, objects)
        if tab.context.request.get(url, max_redirects=0).status == 405:
            continue  # a POST-only action: Chromium shows nothing for an empty 405
        response = tab.goto(url)
        assert response is not None
        assert response.status == 200, f"{name}: {response.status}"
        assert tab.locator("h1").count() >= 1, f"{name} has no heading"
        screenshot(tab, f"staff-{name.replace(':', '-')}-{tab_name}")
        shown.append(name)
    assert len(shown) >= 20, shown
