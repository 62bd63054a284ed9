"""The access-problems page in a browser: rows of several kinds, and a fix removing its row."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from portico.access.actions import send_invite, set_temporary_password
from portico.access.queries import portal_account_for
from portico.accounts.lockout import register_failure
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import ComingOfAgeReview
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, by, make_client


def _stuck_people(maple: Practice, owner: User) -> None:
    ana = make_client(maple, owner, "Ana", "Alvarez", emails=("ana@example.com",))
    link = send_invite(ana, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(
        status=EmailStatus.BOUNCED, status_detail="Mailbox does not exist"
    )
    lou = make_client(maple, owner, "Lou", "Locked", emails=("lou@example.com",))
    set_temporary_password(lou, by=by(owner))
    account = portal_account_for(lou)
    assert account is not None
    for _ in range(6):
        register_failure(account, by=Actor.system())
    riley = make_client(maple, owner, "Riley", "Reed", emails=("riley@example.com",))
    ComingOfAgeReview.objects.create(
        practice=maple, client=riley, came_of_age_on=timezone.localdate(), created_at=timezone.now()
    )


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_staff_see_every_stuck_person_and_a_fix_removes_its_row(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    _stuck_people(maple, owner)
    sign_in_as(tab, live_server, owner)
    tab.goto(live_server.url + at(maple, "problems:list"))
    rows = tab.locator("tbody tr")
    assert rows.count() == 3
    assert "Invitation to ana@example.com bounced: Mailbox does not exist" in tab.content()
    screenshot(tab, f"access-problems-{tab_name}")
    tab.get_by_role("link", name="Unlock for Lou Locked").click()
    tab.get_by_role("button", name="Unlock").first.click()
    tab.goto(live_server.url + at(maple, "problems:list"))
    assert tab.locator("tbody tr").count() == 2
    assert "Lou Locked" not in tab.locator("main").inner_text()
