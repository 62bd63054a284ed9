from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.models import AccessLink, RevokeReason
from portico.access.queries import portal_account_for
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at, by, token_of
from tests.i18n.pages import without_csrf_token
from tests.portal.conftest import landing

NEW_PASSWORD = "a long unusual phrase 42"


def _invited(casey: Client, owner: User) -> tuple[AccessLink, str]:
    link = send_invite(casey, by=by(owner)).link
    return link, token_of(link)


def _open(http: HttpClient, maple: Practice, token: str) -> None:
    response = http.get(at(maple, "access:welcome_link", token))
    assert response.status_code == 302
    assert response["Location"] == at(maple, "access:welcome")


def test_opening_the_link_ten_times_spends_nothing_and_moves_the_token_out_of_the_url(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    for _ in range(10):
        _open(http, maple, token)
    page = http.get(at(maple, "access:welcome"))
    assert page.status_code == 200
    assert b"Set up your portal account" in page.content
    assert token.encode() not in page.content
    link.refresh_from_db()
    assert link.used_at is None and link.revoked_at is None
    assert link.first_viewed_at is not None
    assert AuditEvent.objects.filter(action="access.link.viewed").count() == 1


@pytest.mark.parametrize("typed", ["04/12/1990", "4/12/1990", "1990-04-12", " 04 / 12 / 1990 "])
def test_the_date_of_birth_is_accepted_in_us_and_iso_formats(
    maple: Practice, casey: Client, owner: User, typed: str
) -> None:
    _, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    response = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": typed})
    assert response.status_code == 302
    assert response["Location"] == at(maple, "access:welcome_account")


def test_an_unreadable_date_names_the_expected_format_and_counts_nothing(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    response = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "12.04.90"})
    assert b"MM/DD/YYYY" in response.content
    link.refresh_from_db()
    assert link.dob_failures == 0


def test_a_wrong_date_of_birth_is_refused_without_revealing_the_one_on_file(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    response = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/13/1990"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "does not match our records" in text
    assert "You have 4 tries left." in text
    for shown in ("1990-04-12", "04/12/1990", "4/12/1990", "April", "04/13/1990"):
        assert shown not in text
    link.refresh_from_db()
    assert link.dob_failures == 1


def test_the_fourth_wrong_date_keeps_the_link_and_the_fifth_revokes_it(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    for _ in range(4):
        http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/01/1980"})
    link.refresh_from_db()
    assert link.revoked_at is None and link.dob_failures == 4
    response = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/01/1980"})
    assert response.status_code == 410
    assert b"too many attempts to confirm your date of birth" in response.content
    link.refresh_from_db()
    assert link.revoked_reason == RevokeReason.TOO_MANY_DOB_FAILURES
    # Even the right date does not bring the revoked link back.
    again = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/12/1990"})
    assert again.status_code == 410


def test_staff_can_correct_the_date_and_the_client_retries_with_the_same_link(
    maple: Practice, casey: Client, owner: User
) -> None:
    _, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    wrong = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/21/1990"})
    assert b"does not match" in wrong.content
    Client.objects.filter(pk=casey.pk).update(date_of_birth="1990-04-21")
    right = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/21/1990"})
    assert right.status_code == 302


def _through_dob(http: HttpClient, maple: Practice, token: str) -> None:
    _open(http, maple, token)
    http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/12/1990"})


def test_registration_creates_the_account_signs_in_with_a_new_session_and_uses_the_link(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    _through_dob(http, maple, token)
    before = http.session.session_key
    page = http.get(at(maple, "access:welcome_account"))
    assert b"casey@example.com" in page.content
    assert b"at least 12 characters" in page.content  # requirements shown before typing
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert http.session.session_key != before
    account = portal_account_for(casey)
    assert account is not None and account.check_password(NEW_PASSWORD)
    assert response["Location"] == landing(maple, account)  # the first next step, else home
    assert int(http.session["_auth_user_id"]) == account.pk
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEvent.objects.filter(action="access.registered", client=casey).exists()
    # The used link now explains itself.
    again = HttpClient().get(at(maple, "access:welcome_link", token))
    assert b"already used" in again.content


def test_weak_or_mismatched_passwords_are_refused_and_the_link_stays_usable(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    http = HttpClient()
    _through_dob(http, maple, token)
    for first, second, words in [
        ("short", "short", b"too short"),
        ("password1234", "password1234", b"too common"),
        ("casey@example.com1", "casey@example.com1", b"too similar"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", b"are different"),
        ("x" * 129, "x" * 129, b"at most 128"),
    ]:
        response = http.post(
            at(maple, "access:welcome_account"), {"new_password": first, "confirm_password": second}
        )
        assert response.status_code == 200
        assert words in response.content, words
    link.refresh_from_db()
    assert link.used_at is None
    assert portal_account_for(casey) is None


def test_a_128_character_password_is_allowed(maple: Practice, casey: Client, owner: User) -> None:
    _, token = _invited(casey, owner)
    http = HttpClient()
    _through_dob(http, maple, token)
    long = "correct horse battery staple " * 4 + "abcdefghijkl"
    assert len(long) == 128
    response = http.post(
        at(maple, "access:welcome_account"), {"new_password": long, "confirm_password": long}
    )
    assert response.status_code == 302


def test_practices_using_usernames_ask_for_one_and_refuse_a_taken_one(
    maple: Practice, casey: Client, owner: User
) -> None:
    maple.sign_in_identifier = "username"
    maple.save(update_fields=["sign_in_identifier"])
    User.objects.create(practice=maple, kind="portal", username="Casey", email="x@example.com")
    _, token = _invited(casey, owner)
    http = HttpClient()
    _through_dob(http, maple, token)
    taken = http.post(
        at(maple, "access:welcome_account"),
        {"username": "casey", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert b"already taken" in taken.content
    ok = http.post(
        at(maple, "access:welcome_account"),
        {"username": "casey.c", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    account = portal_account_for(casey)
    assert account is not None and account.username == "casey.c"


def test_the_credentials_step_needs_the_date_of_birth_first(
    maple: Practice, casey: Client, owner: User
) -> None:
    _, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    response = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response["Location"] == at(maple, "access:welcome_dob")


def test_practices_without_the_date_of_birth_check_go_straight_to_credentials(
    maple: Practice, casey: Client, owner: User
) -> None:
    maple.dob_check = False
    maple.save(update_fields=["dob_check"])
    _, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    page = http.get(at(maple, "access:welcome"))
    assert at(maple, "access:welcome_account").encode() in page.content


def test_an_unknown_token_and_another_practices_token_look_the_same(
    maple: Practice, birch: Practice, casey: Client, owner: User
) -> None:
    _, token = _invited(casey, owner)
    unknown = HttpClient().get(at(maple, "access:welcome_link", "nope" * 10))
    elsewhere = HttpClient().get(at(birch, "access:welcome_link", token))
    assert unknown.status_code == elsewhere.status_code == 404
    assert b"This link is not valid" in unknown.content
    strip = [
        (b"Maple Counseling", b""),
        (b"Birch Therapy", b""),
        (b"/p/maple/", b""),
        (b"/p/birch/", b""),
    ]
    # The language switch's CSRF token is random per visitor: the rest is the same.
    a, b = without_csrf_token(unknown.content), without_csrf_token(elsewhere.content)
    for old, new in strip:
        a, b = a.replace(old, new), b.replace(old, new)
    assert a == b


def test_an_expired_invitation_explains_itself_on_the_landing_page(
    maple: Practice, casey: Client, owner: User
) -> None:
    link, token = _invited(casey, owner)
    with time_machine.travel(link.expires_at - timedelta(seconds=1), tick=False):
        http = HttpClient()
        _open(http, maple, token)
        assert http.get(at(maple, "access:welcome")).status_code == 200
    with time_machine.travel(link.expires_at, tick=False):
        response = HttpClient().get(at(maple, "access:welcome_link", token))
    assert response.status_code == 410
    assert b"This link expired on" in response.content


def test_no_token_or_date_of_birth_reaches_the_logs_or_the_audit(
    maple: Practice, casey: Client, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    link, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/02/1980"})
    http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "04/12/1990"})
    http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    everything = caplog.text + str(list(AuditEvent.objects.values_list("details", flat=True)))
    for secret in (token, link.token_hash, "1990-04-12", "04/12/1990", "1980", NEW_PASSWORD):
        assert secret not in everything
    assert timezone.now() - link.created_at < timedelta(minutes=5)


def test_date_of_birth_answers_are_rate_limited_per_connection(
    maple: Practice, casey: Client, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from portico.lib import ratelimit

    cache.clear()
    monkeypatch.setitem(ratelimit.RATE_LIMITS, "dob_check", "2/h/ip")
    link, token = _invited(casey, owner)
    http = HttpClient()
    _open(http, maple, token)
    for _ in range(2):
        http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/01/1980"})
    response = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/01/1980"})
    assert response.status_code == 429
    assert b"Please wait" in response.content
    link.refresh_from_db()
    assert link.dob_failures == 2  # the refused attempt was not counted against the link
