"""Sign-in throttling: the guesser slows down, the owner is not locked out.

Five wrong passwords in a row for an identifier (known account or not) hold back
new browsers for 1 minute, doubling with each further failure up to 15 minutes; a
browser that signed in to the account before (device cookie) is let through, with
its own allowance of five wrong passwords. The guesser here comes from many
addresses, so the per-IP limit does not stop them first.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.access.actions import unlock_portal_account
from portico.accounts.devices import DEVICE_COOKIE
from portico.accounts.lockout import FIRST_WAIT, LONGEST_WAIT, is_locked, unlock_user
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.portal.conftest import register

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)  # 10:00 AM in New York
OWNER = "olivia@maple.test"
NOBODY = "nobody@maple.test"
_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_counters(db: None) -> None:
    cache.clear()


def stranger() -> HttpClient:
    """A browser that never signed in here, from an address of its own."""
    return HttpClient(REMOTE_ADDR=f"203.0.113.{next(_addresses) % 250 + 1}")


def staff_sign_in(http: HttpClient, practice: Practice, email: str, password: str):  # type: ignore[no-untyped-def]
    return http.post(at(practice, "accounts:staff_sign_in"), {"email": email, "password": password})


def hammer(practice: Practice, email: str, times: int = 5) -> None:
    for _ in range(times):
        staff_sign_in(stranger(), practice, email, "a wrong guess")


def owners_browser(practice: Practice) -> HttpClient:
    """Olivia's own browser: it signed in once, then signed out (the device cookie stays)."""
    http = stranger()
    assert staff_sign_in(http, practice, OWNER, PASSWORD).status_code == 302
    http.post(at(practice, "accounts:staff_sign_out"))
    assert DEVICE_COOKIE in http.cookies
    return http


def signed_in_as(http: HttpClient) -> Any:
    return http.session.get("_auth_user_id")


def normalized(response: HttpResponse, *identifiers: str) -> str:
    page = response.content.decode()
    for identifier in identifiers:
        # Only what the visitor typed, echoed back in the form, may differ.
        page = page.replace(f'value="{identifier}"', 'value="IDENTIFIER"')
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", page)


# --- the guesser and the owner ---------------------------------------------------------------


def test_a_guesser_is_refused_after_five_wrong_passwords_but_the_owners_browser_signs_in(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False):
        mine = owners_browser(maple)
        hammer(maple, OWNER)
        refused = staff_sign_in(stranger(), maple, OWNER, PASSWORD)
        assert refused.status_code == 400
        assert "locked until 10:01 AM" in refused.content.decode()
        response = staff_sign_in(mine, maple, OWNER, PASSWORD)
        assert response.status_code == 302
        assert signed_in_as(mine) == str(owner.pk)
        # The guesser's hold stays: only the owner's browser was let through.
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 400
    owner.refresh_from_db()
    assert is_locked(owner, T0)


def test_without_the_device_cookie_the_owner_waits_like_anyone(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        hammer(maple, OWNER)
        clock.move_to(T0 + FIRST_WAIT - timedelta(seconds=1))
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 400
        clock.move_to(T0 + FIRST_WAIT)
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 302


def test_refused_attempts_do_not_make_the_wait_longer(maple: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        hammer(maple, OWNER)
        clock.move_to(T0 + timedelta(seconds=30))
        hammer(maple, OWNER, times=10)  # all refused before the password is looked at
        clock.move_to(T0 + FIRST_WAIT)
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 302


def test_the_wait_doubles_with_each_further_failure_and_stops_growing_at_fifteen_minutes(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        hammer(maple, OWNER)  # failures 1-5: refused for a minute from T0
        ends = T0 + FIRST_WAIT
        for minutes in (2, 4, 8, 15, 15):  # failures 6-10: 16 would follow 8; 15 is the cap
            clock.move_to(ends - timedelta(seconds=1))
            still = staff_sign_in(stranger(), maple, OWNER, "another guess")
            assert "locked until" in still.content.decode()  # refused, and not counted
            clock.move_to(ends)
            hammer(maple, OWNER, times=1)
            owner.refresh_from_db()
            assert owner.locked_until == ends + timedelta(minutes=minutes)
            ends += timedelta(minutes=minutes)
        assert owner.failed_sign_ins == 10
        assert timedelta(minutes=15) == LONGEST_WAIT
        clock.move_to(ends - timedelta(seconds=1))
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 400
        clock.move_to(ends)
        assert staff_sign_in(stranger(), maple, OWNER, PASSWORD).status_code == 302
    owner.refresh_from_db()
    assert owner.failed_sign_ins == 0 and owner.locked_until is None


# --- the same for unknown accounts -----------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting every hash it computes (set or check)."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


def _work(practice: Practice, email: str, password: str) -> tuple[int, int, HttpResponse]:
    """(queries, password hashes, response) of one attempt from a new browser."""
    CountingHasher.calls = 0
    http = stranger()
    with CaptureQueriesContext(connection) as queries:
        response = staff_sign_in(http, practice, email, password)
    return len(queries), CountingHasher.calls, response


def test_a_refusal_reads_and_costs_the_same_for_an_unknown_address_and_an_existing_account(
    maple: Practice, owner: User, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    with time_machine.travel(T0, tick=False):
        for attempt in range(1, 6):
            known = _work(maple, OWNER, "a wrong guess")
            unknown = _work(maple, NOBODY, "a wrong guess")
            # Every wrong password costs one hash and the same queries, the fifth included.
            assert known[:2] == unknown[:2], f"attempt {attempt}"
            assert known[1] == 1
            assert known[2].status_code == unknown[2].status_code == 400
            assert normalized(known[2], OWNER) == normalized(unknown[2], NOBODY)
        assert "locked until" in known[2].content.decode()

        known = _work(maple, OWNER, PASSWORD)
        unknown = _work(maple, NOBODY, PASSWORD)
    assert known[:2] == unknown[:2]
    assert known[1] == 0  # a refusal checks no password at all
    assert known[2].status_code == unknown[2].status_code == 400
    assert normalized(known[2], OWNER) == normalized(unknown[2], NOBODY)
    assert "locked until 10:01 AM (America/New York)" in known[2].content.decode()


# --- the device cookie -----------------------------------------------------------------------


def test_the_device_cookie_is_signed_httponly_lax_and_names_no_one(
    maple: Practice, owner: User, settings: Any
) -> None:
    http = stranger()
    staff_sign_in(http, maple, OWNER, PASSWORD)
    cookie = http.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert not cookie["secure"]  # this installation is http
    assert "olivia" not in cookie.value.lower()

    settings.SESSION_COOKIE_SECURE = True  # what an https PORTICO_BASE_URL sets
    again = stranger()
    staff_sign_in(again, maple, OWNER, PASSWORD)
    assert again.cookies[DEVICE_COOKIE]["secure"]


def test_a_tampered_device_cookie_counts_for_nothing(maple: Practice, owner: User) -> None:
    mine = owners_browser(maple)
    value = mine.cookies[DEVICE_COOKIE].value
    forged = stranger()
    forged.cookies[DEVICE_COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    with time_machine.travel(T0, tick=False):
        hammer(maple, OWNER)
        assert staff_sign_in(forged, maple, OWNER, PASSWORD).status_code == 400


def test_a_device_cookie_for_another_account_does_not_lift_the_hold(
    maple: Practice, owner: User, front_desk: User
) -> None:
    franks = stranger()
    assert staff_sign_in(franks, maple, "frank@maple.test", PASSWORD).status_code == 302
    franks.post(at(maple, "accounts:staff_sign_out"))
    with time_machine.travel(T0, tick=False):
        hammer(maple, OWNER)
        assert staff_sign_in(franks, maple, OWNER, PASSWORD).status_code == 400


def test_a_device_cookie_allows_five_wrong_passwords_then_no_longer_lifts_the_hold(
    maple: Practice, owner: User
) -> None:
    mine = owners_browser(maple)
    with time_machine.travel(T0, tick=False) as clock:
        hammer(maple, OWNER)
        for _ in range(5):
            wrong = staff_sign_in(mine, maple, OWNER, "a stolen cookie's guess")
            assert "do not match" in wrong.content.decode()
        spent = staff_sign_in(mine, maple, OWNER, PASSWORD)
        assert spent.status_code == 400
        assert "locked until" in spent.content.decode()
        # Once the identifier's own wait is over, the right password works from it as from any
        # browser, and signing in gives the browser a fresh allowance.
        clock.move_to(T0 + FIRST_WAIT)
        assert staff_sign_in(mine, maple, OWNER, PASSWORD).status_code == 302
        mine.post(at(maple, "accounts:staff_sign_out"))
        hammer(maple, OWNER)
        assert staff_sign_in(mine, maple, OWNER, PASSWORD).status_code == 302


def test_four_wrong_passwords_from_the_owners_browser_still_leave_it_trusted(
    maple: Practice, owner: User
) -> None:
    mine = owners_browser(maple)
    with time_machine.travel(T0, tick=False):
        hammer(maple, OWNER)
        for _ in range(4):
            staff_sign_in(mine, maple, OWNER, "a typo")
        assert staff_sign_in(mine, maple, OWNER, PASSWORD).status_code == 302


# --- unlocking -------------------------------------------------------------------------------


def test_staff_unlock_lifts_the_hold_at_once(
    maple: Practice, owner: User, front_desk: User
) -> None:
    with time_machine.travel(T0, tick=False):
        hammer(maple, "frank@maple.test")
        front_desk.refresh_from_db()
        assert is_locked(front_desk, T0)
        assert unlock_user(front_desk, by=Actor.for_user(owner)) is True
        assert staff_sign_in(stranger(), maple, "frank@maple.test", PASSWORD).status_code == 302


def test_staff_unlock_of_a_client_clears_both_their_username_and_their_email(
    maple: Practice, owner: User, casey: Client
) -> None:
    register(casey, owner, username="casey")
    with time_machine.travel(T0, tick=False):
        for identifier in ("casey", "CASEY@example.com"):
            for _ in range(5):
                stranger().post(
                    at(maple, "portal:sign_in"), {"identifier": identifier, "password": "guess"}
                )
        for identifier in ("casey", "casey@example.com"):
            page = stranger().post(
                at(maple, "portal:sign_in"), {"identifier": identifier, "password": PASSWORD}
            )
            assert "locked until" in page.content.decode()
        assert unlock_portal_account(casey, by=Actor.for_user(owner)) is True
        for identifier in ("casey", "casey@example.com"):
            response = stranger().post(
                at(maple, "portal:sign_in"), {"identifier": identifier, "password": PASSWORD}
            )
            assert response.status_code == 302
    assert AuditEvent.objects.filter(action="access.unlocked", client=casey).exists()


def test_the_hold_starts_with_the_fifth_failure_and_is_audited_once(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False):
        hammer(maple, OWNER, times=4)
        owner.refresh_from_db()
        assert owner.failed_sign_ins == 4 and owner.locked_until is None
        hammer(maple, OWNER, times=3)  # the fifth locks; the next two are refused unchecked
    owner.refresh_from_db()
    assert owner.locked_until == T0 + FIRST_WAIT
    locked = AuditEvent.objects.get(action="signin.locked", subject_user=owner)
    assert locked.details["locked_until"] == (T0 + FIRST_WAIT).isoformat()
    reasons = [
        e.details["reason"]
        for e in AuditEvent.objects.filter(action="signin.failed").order_by("pk")
    ]
    assert reasons == ["wrong_password"] * 4 + ["locked"] * 2
