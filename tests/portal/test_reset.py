from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite, send_password_reset
from portico.access.models import AccessLink, LinkPurpose
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import PASSWORD, at, token_of
from tests.i18n.pages import without_csrf_token
from tests.portal.conftest import last_email, run_forgot_tasks, signed_in

NEW = "a fresh and long passphrase"


def request_reset(practice: Practice, identifier: str = "casey") -> str:
    HttpClient().post(at(practice, "portal:forgot_password"), {"identifier": identifier})
    run_forgot_tasks()  # the worker's part
    return token_of(last_email(EmailKind.PASSWORD_RESET))


def open_link(http: HttpClient, practice: Practice, token: str) -> str:
    response = http.get(at(practice, "portal:reset_link", token))
    return response["Location"] if response.status_code == 302 else response.content.decode()


def submit(http: HttpClient, practice: Practice, password: str = NEW, again: str | None = None):  # type: ignore[no-untyped-def]
    return http.post(
        at(practice, "portal:reset"),
        {"new_password": password, "confirm_password": again or password},
    )


def test_opening_the_link_ten_times_spends_nothing(maple: Practice, casey_account: User) -> None:
    token = request_reset(maple)
    http = HttpClient()
    for _ in range(10):
        assert open_link(http, maple, token) == at(maple, "portal:reset")
        assert http.get(at(maple, "portal:reset")).status_code == 200
    link = AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET)
    assert link.used_at is None and link.revoked_at is None
    assert link.first_viewed_at is not None
    assert AuditEvent.objects.filter(action="access.link.viewed").count() == 1


def test_the_token_leaves_the_address_bar(maple: Practice, casey_account: User) -> None:
    token = request_reset(maple)
    location = open_link(HttpClient(), maple, token)
    assert token not in location
    assert location == at(maple, "portal:reset")


def test_the_reset_page_shows_the_password_rules_before_typing(
    maple: Practice, casey_account: User
) -> None:
    http = HttpClient()
    open_link(http, maple, request_reset(maple))
    page = http.get(at(maple, "portal:reset")).content.decode()
    assert "at least 12 characters" in page
    assert "commonly used password" in page


def test_a_weak_or_mismatched_password_is_refused_and_the_link_stays_usable(
    maple: Practice, casey_account: User
) -> None:
    http = HttpClient()
    open_link(http, maple, request_reset(maple))
    assert "too short" in submit(http, maple, "short").content.decode()
    assert "are different" in submit(http, maple, NEW, NEW + "x").content.decode()
    assert "too similar" in submit(http, maple, "casey@example.com1").content.decode()
    assert "too long" in submit(http, maple, "x" * 129).content.decode()
    assert AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET).used_at is None


def test_a_new_password_ends_every_session_and_goes_to_sign_in(
    maple: Practice, casey_account: User
) -> None:
    elsewhere = signed_in(maple, "casey")
    assert elsewhere.get(at(maple, "portal:home")).status_code == 200
    http = signed_in(maple, "casey")  # even the browser that asked for the reset
    open_link(http, maple, request_reset(maple))
    response = submit(http, maple)
    assert response["Location"] == at(maple, "portal:sign_in")
    assert "Your password was changed" in http.get(response["Location"]).content.decode()
    for browser in (elsewhere, http):
        assert browser.get(at(maple, "portal:home"))["Location"] == at(maple, "portal:sign_in")
    assert signed_in(maple, "casey", NEW)


def test_a_reset_spends_the_link_revokes_the_others_and_emails_a_notice(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    token = request_reset(maple)
    http = HttpClient()
    open_link(http, maple, token)
    link = AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET)
    # A link issued to the account alone (no client), still live: it must die too.
    other = AccessLink.objects.create(
        practice=maple,
        purpose=LinkPurpose.PASSWORD_RESET,
        user=casey_account,
        email="casey@example.com",
        token_hash="f" * 64,
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    submit(http, maple)
    link.refresh_from_db()
    other.refresh_from_db()
    assert link.used_at is not None
    assert other.revoked_reason == "password_changed"
    notice = last_email(EmailKind.PASSWORD_CHANGED)
    assert notice.to_address == "casey@example.com"
    assert "Hello Casey" in notice.text_body and "Maple Counseling" in notice.text_body
    assert "1990" not in notice.text_body
    event = AuditEvent.objects.get(action="access.reset.completed")
    assert event.client == casey and event.subject_user == casey_account


def test_a_reset_clears_a_lock_and_a_temporary_password(
    maple: Practice, casey_account: User
) -> None:
    for _ in range(5):
        HttpClient().post(
            at(maple, "portal:sign_in"), {"identifier": "casey", "password": "wrong password!"}
        )
    http = HttpClient()
    open_link(http, maple, request_reset(maple))
    submit(http, maple)
    casey_account.refresh_from_db()
    assert casey_account.locked_until is None and casey_account.failed_sign_ins == 0
    assert signed_in(maple, "casey", NEW)


def test_a_used_link_shows_that_it_was_used(maple: Practice, casey_account: User) -> None:
    token = request_reset(maple)
    http = HttpClient()
    open_link(http, maple, token)
    submit(http, maple)
    page = open_link(HttpClient(), maple, token)
    assert "This link was already used" in page


def test_a_link_used_in_another_tab_shows_the_dead_link_page_on_submit(
    maple: Practice, casey_account: User
) -> None:
    token = request_reset(maple)
    first, second = HttpClient(), HttpClient()
    open_link(first, maple, token)
    open_link(second, maple, token)
    submit(first, maple)
    response = second.post(
        at(maple, "portal:reset"), {"new_password": NEW + "2", "confirm_password": NEW + "2"}
    )
    assert "This link was already used" in response.content.decode()
    assert signed_in(maple, "casey", NEW)


def test_a_link_works_until_the_second_it_expires(maple: Practice, casey_account: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = request_reset(maple)
        traveller.shift(maple.reset_lifetime - timedelta(seconds=1))
        http = HttpClient()
        assert open_link(http, maple, token) == at(maple, "portal:reset")
        traveller.shift(timedelta(seconds=1))
        page = open_link(HttpClient(), maple, token)
        assert "This link expired on" in page
        # The page already open dies at the same second.
        assert "This link expired on" in submit(http, maple).content.decode()
    casey_account.refresh_from_db()
    assert casey_account.check_password(PASSWORD)


@pytest.mark.parametrize("hours", [24, 36, 48, 168])
def test_each_lifetime_setting_holds_to_the_second(
    maple: Practice, casey_account: User, hours: int
) -> None:
    maple.reset_lifetime_hours = hours
    maple.save(update_fields=["reset_lifetime_hours"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = request_reset(maple)
        traveller.shift(timedelta(hours=hours) - timedelta(seconds=1))
        assert open_link(HttpClient(), maple, token) == at(maple, "portal:reset")
        traveller.shift(timedelta(seconds=1))
        assert "expired" in open_link(HttpClient(), maple, token)


def test_a_superseded_link_says_a_newer_one_was_sent(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    token = request_reset(maple)
    send_password_reset(casey, by=Actor.for_user(owner))
    assert "A newer link was sent" in open_link(HttpClient(), maple, token)


def test_a_link_from_another_practice_looks_exactly_like_an_unknown_one(
    maple: Practice, birch: Practice, casey_account: User
) -> None:
    token = request_reset(maple)
    theirs = HttpClient().get(at(birch, "portal:reset_link", token))
    unknown = HttpClient().get(at(birch, "portal:reset_link", "x" * 43))
    assert theirs.status_code == unknown.status_code == 404
    # The same bytes but for the language switch's CSRF token (random per visitor).
    assert without_csrf_token(theirs.content) == without_csrf_token(unknown.content)


def test_the_reset_page_without_a_link_explains_itself(maple: Practice) -> None:
    response = HttpClient().get(at(maple, "portal:reset"))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_no_token_or_password_reaches_the_logs_or_the_audit_log(
    maple: Practice, casey_account: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = request_reset(maple)
    http = HttpClient()
    open_link(http, maple, token)
    submit(http, maple)
    open_link(HttpClient(), maple, token)  # a dead link visit too
    logged = caplog.text
    audit = " ".join(str(event.details) for event in AuditEvent.objects.all())
    for secret in (token, NEW, PASSWORD):
        assert secret not in logged
        assert secret not in audit


def test_an_invitation_token_is_not_a_reset_token(maple: Practice, owner: User) -> None:
    from tests.cast import make_client

    riley = make_client(maple, owner, "Riley", "New", emails=("riley@example.com",))
    sent = send_invite(riley, by=Actor.for_user(owner))
    response = HttpClient().get(at(maple, "portal:reset_link", token_of(sent.link)))
    assert response.status_code == 404
    assert OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_CHANGED).count() == 0
