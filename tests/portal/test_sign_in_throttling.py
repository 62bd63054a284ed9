"""Portal sign-in throttling, and the same rules on a contact's "I already have an account" step.

The rules themselves (growth, device allowance, unlock) are in
tests/accounts/test_throttling.py; here: the client's page and the invitation step
answer alike for unknown and existing accounts, and share one back-off.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client as HttpClient

from portico.access.models import PortalAccess
from portico.accounts.devices import DEVICE_COOKIE
from portico.accounts.models import User
from portico.practices.models import Practice
from tests.cast import (
    LEO_DOB,
    PASSWORD,
    PAT_EMAIL,
    Family,
    at,
    invite,
    open_link,
    register_new,
)

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)  # 10:00 AM in New York
_addresses = itertools.count(1)


def stranger() -> HttpClient:
    return HttpClient(REMOTE_ADDR=f"198.51.100.{next(_addresses) % 250 + 1}")


def portal_sign_in(http: HttpClient, practice: Practice, identifier: str, password: str):  # type: ignore[no-untyped-def]
    return http.post(
        at(practice, "portal:sign_in"), {"identifier": identifier, "password": password}
    )


def existing_step(http: HttpClient, practice: Practice, identifier: str, password: str):  # type: ignore[no-untyped-def]
    return http.post(
        at(practice, "access:welcome_account"),
        {"path": "existing", "identifier": identifier, "password": password},
    )


def normalized(response: HttpResponse, identifier: str) -> str:
    # Only what the visitor typed, echoed back in the form, may differ.
    page = response.content.decode().replace(f'value="{identifier}"', 'value="IDENTIFIER"')
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)


def test_a_guesser_is_refused_but_caseys_own_browser_signs_in(
    maple: Practice, casey_account: User
) -> None:
    mine = stranger()
    assert portal_sign_in(mine, maple, "casey", PASSWORD).status_code == 302
    mine.post(at(maple, "portal:sign_out"))
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            portal_sign_in(stranger(), maple, "casey", "a wrong guess")
        refused = portal_sign_in(stranger(), maple, "casey", PASSWORD).content.decode()
        assert "locked until 10:01 AM (America/New York)" in refused
        assert "Forgot password?" in refused
        assert portal_sign_in(mine, maple, "casey", PASSWORD)["Location"] == at(
            maple, "portal:home"
        )


def test_a_refused_sign_in_page_is_the_same_for_an_unknown_name_and_caseys(
    maple: Practice, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        for identifier in ("casey", "nobody.here"):
            for _ in range(5):
                portal_sign_in(stranger(), maple, identifier, "a wrong guess")
        known = portal_sign_in(stranger(), maple, "casey", PASSWORD)
        unknown = portal_sign_in(stranger(), maple, "nobody.here", PASSWORD)
    assert known.status_code == unknown.status_code == 200
    assert "locked until" in known.content.decode()
    assert normalized(known, "casey") == normalized(unknown, "nobody.here")


# --- a contact's "I already have an account" step --------------------------------------------


@pytest.fixture
def pat(family: Family, owner: User) -> User:
    """Pat's account, made through the invitation for Mia."""
    return register_new(invite(family.pat_for_mia, owner))


def on_leos_step(maple: Practice, family: Family, owner: User) -> HttpClient:
    """A browser holding the invitation for Leo, past the date of birth."""
    http = stranger()
    open_link(http, maple, invite(family.pat_for_leo, owner), LEO_DOB)
    return http


def test_the_existing_account_step_answers_alike_for_an_unknown_address_while_refused(
    maple: Practice, family: Family, owner: User, pat: User
) -> None:
    browser = on_leos_step(maple, family, owner)
    with time_machine.travel(T0, tick=False):
        for attempt in range(1, 6):
            known = existing_step(browser, maple, PAT_EMAIL, "a wrong guess")
            unknown = existing_step(browser, maple, "someone@example.com", "a wrong guess")
            assert known.status_code == unknown.status_code == 200
            assert normalized(known, PAT_EMAIL) == normalized(unknown, "someone@example.com"), (
                f"attempt {attempt}"
            )
        known = existing_step(browser, maple, PAT_EMAIL, PASSWORD)
        unknown = existing_step(browser, maple, "someone@example.com", PASSWORD)
    assert known.status_code == unknown.status_code == 200
    assert "locked until 10:01 AM" in known.content.decode()
    assert normalized(known, PAT_EMAIL) == normalized(unknown, "someone@example.com")
    assert PortalAccess.objects.filter(user=pat).count() == 1  # Leo was not added


def test_the_sign_in_page_and_the_existing_account_step_share_one_back_off(
    maple: Practice, family: Family, owner: User, pat: User
) -> None:
    browser = on_leos_step(maple, family, owner)
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            portal_sign_in(stranger(), maple, PAT_EMAIL, "a wrong guess")
        fifth = existing_step(browser, maple, PAT_EMAIL, "a wrong guess")
        assert "locked until" in fifth.content.decode()
        page = portal_sign_in(stranger(), maple, PAT_EMAIL, PASSWORD)
        assert "locked until" in page.content.decode()


def test_pats_own_browser_adds_leo_while_a_guesser_is_refused(
    maple: Practice, family: Family, owner: User, pat: User
) -> None:
    mine = stranger()
    assert portal_sign_in(mine, maple, PAT_EMAIL, PASSWORD).status_code == 302
    mine.post(at(maple, "portal:sign_out"))
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            portal_sign_in(stranger(), maple, PAT_EMAIL, "a wrong guess")
        open_link(mine, maple, invite(family.pat_for_leo, owner), LEO_DOB)
        response = existing_step(mine, maple, PAT_EMAIL, PASSWORD)
    assert response.status_code == 302
    assert PortalAccess.objects.filter(user=pat, ended_at=None).count() == 2
    assert DEVICE_COOKIE in mine.cookies


def test_attaching_through_the_step_trusts_the_browser_from_then_on(
    maple: Practice, family: Family, owner: User, pat: User
) -> None:
    browser = on_leos_step(maple, family, owner)
    assert existing_step(browser, maple, PAT_EMAIL, PASSWORD).status_code == 302
    browser.post(at(maple, "portal:sign_out"))
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            portal_sign_in(stranger(), maple, PAT_EMAIL, "a wrong guess")
        assert portal_sign_in(browser, maple, PAT_EMAIL, PASSWORD).status_code == 302
