"""Browser: "Invite everyone not yet invited" from the client list, confirm, progress, summary."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portico.access.bulk import run_bulk_invite
from portico.access.models import BulkInvite
from portico.accounts.models import User
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_staff_invite_everyone_not_yet_invited_and_watch_it_finish(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    make_client(maple, owner, "Dana", "Doe", emails=("dana@example.com",))
    make_client(maple, owner, "Noah", "Nomail")
    make_client(
        maple, owner, "Olive", "Off", emails=("olive@example.com",), portal_access_enabled=False
    )
    sign_in_as(tab, live_server, owner)
    tab.goto(live_server.url + at(maple, "clients:list"))
    tab.get_by_role("link", name="Invite everyone not yet invited…").click()
    expect(tab.get_by_role("heading", name="Invite everyone not yet invited")).to_be_visible()
    expect(tab.get_by_text("1 client: no email address")).to_be_visible()
    expect(tab.get_by_text("1 client: portal access is turned off")).to_be_visible()
    screenshot(tab, f"bulk-invite-confirm-{tab_name}")
    tab.get_by_role("button", name="Send 2 invitations").click()
    expect(tab.get_by_role("heading", name="Bulk invitation: waiting to start")).to_be_visible()
    screenshot(tab, f"bulk-invite-waiting-{tab_name}")
    run_bulk_invite.call(BulkInvite.objects.get().pk)  # what the worker does
    tab.reload()
    expect(tab.get_by_role("heading", name="Bulk invitation: finished")).to_be_visible()
    expect(tab.get_by_text("2 invitations").first).to_be_visible()
    screenshot(tab, f"bulk-invite-done-{tab_name}")
