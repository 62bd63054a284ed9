"""The second step of staff sign-in: only after the right password, five minutes, one
failure counter with passwords, the same words as the first step, audited without codes."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.twofactor.helpers import (
    T0,
    code_at,
    enrol,
    is_signed_in,
    staff_code,
    staff_password,
    stranger,
)

OWNER = "olivia@maple.test"
LATER = T0 + timedelta(seconds=60)  # two steps after enrolment: a fresh code


def test_the_right_password_of_an_account_with_an_app_does_not_sign_in(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False):
        enrol(owner, when=T0)
        http = stranger()
        response = staff_password(http, maple, OWNER)
        assert response.status_code == 302
        assert response["Location"].endswith("/staff/sign-in/code/")
        assert not is_signed_in(http)
        # Every staff page still sends them to sign in.
        page = http.get(at(maple, "clients:list"))
        assert page.status_code == 302 and "/staff/sign-in/" in page["Location"]
        assert http.get(response["Location"]).status_code == 200


def test_the_second_step_page_never_shows_without_the_right_password(
    maple: Practice, owner: User
) -> None:
    enrol(owner)
    http = stranger()
    wrong = staff_password(http, maple, OWNER, "not the password")
    assert wrong.status_code == 400
    response = http.get(at(maple, "twofactor:staff_second_step"))
    assert response.status_code == 302
    assert response["Location"].endswith("/staff/sign-in/")
    assert staff_code(http, maple, "123456").status_code == 302
    assert not is_signed_in(http)


def test_the_right_code_signs_in_with_a_new_session_and_is_audited_without_it(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(owner, when=T0)
        clock.move_to(LATER)
        http = stranger()
        staff_password(http, maple, OWNER)
        pending_key = http.cookies[settings.SESSION_COOKIE_NAME].value
        code = code_at(secret, LATER)
        response = staff_code(http, maple, code)
        assert response.status_code == 302
        assert response["Location"].endswith("/staff/clients/")
        assert is_signed_in(http)
        assert http.cookies[settings.SESSION_COOKIE_NAME].value != pending_key
        assert http.get(at(maple, "clients:list")).status_code == 200
    event = AuditEvent.objects.get(action="signin.succeeded", subject_user=owner)
    assert event.details["second_factor"] == "authenticator_app"
    assert code not in str(event.details)
    assert AuditEvent.objects.filter(action="signin.second_step.asked").count() == 1


def test_a_recovery_code_signs_in_once(maple: Practice, owner: User) -> None:
    _secret, codes = enrol(owner)
    http = stranger()
    staff_password(http, maple, OWNER)
    assert staff_code(http, maple, codes[0]).status_code == 302
    assert is_signed_in(http)
    again = stranger()
    staff_password(again, maple, OWNER)
    refused = staff_code(again, maple, codes[0])
    assert refused.status_code == 400
    assert "That code did not work" in refused.content.decode()
    assert not is_signed_in(again)
    event = AuditEvent.objects.get(action="signin.succeeded", subject_user=owner)
    assert event.details["second_factor"] == "recovery_code"
    assert event.details["recovery_codes_left"] == "9"


def test_the_pending_sign_in_lasts_five_minutes(maple: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(owner, when=T0)
        http = stranger()
        staff_password(http, maple, OWNER)
        clock.move_to(T0 + timedelta(minutes=5))
        response = staff_code(http, maple, code_at(secret, T0 + timedelta(minutes=5)))
        assert response.status_code == 302
        assert response["Location"].endswith("/staff/sign-in/")
        assert not is_signed_in(http)
        page = http.get(response["Location"]).content.decode()
    assert "longer than 5 minutes" in page


def test_wrong_codes_count_with_wrong_passwords_in_one_counter(
    maple: Practice, owner: User
) -> None:
    """Four wrong passwords, the right one, then one wrong code: the fifth failure locks,
    with the first step's words; guessing codes gets no more tries than passwords."""
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(owner, when=T0)
        clock.move_to(LATER)
        for _ in range(4):
            assert staff_password(stranger(), maple, OWNER, "wrong").status_code == 400
        http = stranger()
        assert staff_password(http, maple, OWNER).status_code == 302  # not forgotten: 4 stay
        right = code_at(secret, LATER)
        wrong = "000000" if right != "000000" else "111111"
        response = staff_code(http, maple, wrong)
        assert response.status_code == 302  # back to the first step, which says why
        page = http.get(response["Location"]).content.decode()
        assert "Too many wrong passwords" in page
        # The right password now gets the same refusal as anyone's.
        refused = staff_password(stranger(), maple, OWNER)
        assert refused.status_code == 400
        assert "Too many wrong passwords" in refused.content.decode()
    owner.refresh_from_db()
    assert owner.locked_until is not None
    assert AuditEvent.objects.filter(action="signin.locked", subject_user=owner).exists()


def test_five_wrong_codes_lock_like_five_wrong_passwords(maple: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        enrol(owner, when=T0)
        clock.move_to(LATER)
        http = stranger()
        staff_password(http, maple, OWNER)
        for attempt in range(5):
            response = staff_code(http, maple, f"{attempt:06d}")
            if response.status_code == 302:
                break
            assert "That code did not work" in response.content.decode()
        assert attempt == 4 and response.status_code == 302
        assert not is_signed_in(http)
    failures = AuditEvent.objects.filter(action="signin.second_factor.failed", subject_user=owner)
    assert failures.count() == 4
    assert all("0000" not in str(e.details) for e in failures)


def test_a_wrong_code_says_nothing_new(maple: Practice, owner: User) -> None:
    enrol(owner)
    http = stranger()
    staff_password(http, maple, OWNER)
    response = staff_code(http, maple, "not-a-code")
    page = response.content.decode()
    assert response.status_code == 400
    assert "That code did not work" in page
    assert owner.email not in page


def test_a_deactivated_account_at_the_second_step_gets_the_first_steps_words(
    maple: Practice, owner: User, front_desk: User
) -> None:
    from portico.audit.actor import Actor
    from portico.practices.actions import deactivate_staff_member

    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(front_desk, when=T0)
        clock.move_to(LATER)
        http = stranger()
        staff_password(http, maple, "frank@maple.test")
        deactivate_staff_member(front_desk, by=Actor.for_user(owner))
        response = staff_code(http, maple, code_at(secret, LATER))
        assert response.status_code == 302
        page = http.get(response["Location"]).content.decode()
    first_step = staff_password(stranger(), maple, "frank@maple.test").content.decode()
    words = "Your staff account has been deactivated."
    assert words in page and words in first_step
    assert not is_signed_in(http)


def test_unknown_account_and_wrong_password_of_an_account_with_an_app_look_and_cost_the_same(
    maple: Practice, owner: User
) -> None:
    enrol(owner)

    def attempt(email: str) -> tuple[int, str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_password(stranger(), maple, email, "wrong password")
        work = [
            q["sql"]
            for q in queries.captured_queries
            if '"portico_cache"' not in q["sql"]
            and not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"))
        ]
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        page = page.replace(email, "EMAIL")
        return response.status_code, page, len(work)

    known = attempt(OWNER)
    unknown = attempt("nobody@maple.test")
    assert known[0] == unknown[0] == 400
    assert known[1] == unknown[1]
    assert known[2] == unknown[2]


def test_the_next_page_survives_the_second_step(maple: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(owner, when=T0)
        clock.move_to(LATER)
        http = stranger()
        wanted = at(maple, "practices:settings")
        first = http.post(
            at(maple, "accounts:staff_sign_in"),
            {"email": OWNER, "password": PASSWORD, "next": wanted},
        )
        assert "next=" in first["Location"]
        second = http.post(first["Location"], {"code": code_at(secret, LATER), "next": wanted})
        assert second["Location"] == wanted


def test_a_sign_in_that_skipped_the_second_step_is_turned_back_into_one(
    maple: Practice, owner: User
) -> None:
    """Any login() without the second step (e.g. an invitation accepted with an existing
    account's password) ends at the next request and the second step is asked."""
    _secret, codes = enrol(owner)
    http = stranger()
    http.force_login(owner)
    response = http.get(at(maple, "clients:list"))
    assert response.status_code == 302
    assert response["Location"].endswith("/staff/sign-in/code/")
    assert not is_signed_in(http)
    assert staff_code(http, maple, codes[0]).status_code == 302
    assert http.get(at(maple, "clients:list")).status_code == 200


def test_account_security_lists_the_methods_and_codes_left(maple: Practice, owner: User) -> None:
    http = stranger()
    http.force_login(owner)
    page = http.get(at(maple, "twofactor:security")).content.decode()
    assert "Account security" in page and "Set up an authenticator app" in page
    _secret, first = enrol(owner)
    page = http.get(at(maple, "twofactor:security")).content.decode()
    assert "10 unused recovery codes left" in page and "Remove the app" in page
    fresh = http.post(at(maple, "twofactor:regenerate_codes"))
    assert fresh.status_code == 200
    shown = re.findall(r'class="secret recovery-code">([a-z0-9-]+)<', fresh.content.decode())
    assert len(shown) == 10 and not set(shown) & set(first)


def test_the_second_step_spends_the_sign_in_pages_per_address_limit(
    maple: Practice, owner: User
) -> None:
    """20 sign-in requests a minute per address (lib.ratelimit "staff_sign_in"): the
    second step counts in the same budget, so codes cannot be tried faster than passwords."""
    _secret, codes = enrol(owner)
    http = stranger()
    for n in range(19):
        staff_password(http, maple, f"nobody{n}@maple.test", "wrong")
    assert staff_password(http, maple, OWNER).status_code == 302  # the 20th: pending
    refused = staff_code(http, maple, codes[0])
    assert refused.status_code == 429
    assert not is_signed_in(http)
