"""Staff sign-in: sessions, the same words for unknown and wrong, locks, disabled accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from portico.accounts.lockout import FIRST_WAIT, is_locked, unlock_user
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import PASSWORD, at

NO_MATCH = "That email/username and password do not match our records."
T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


def sign_in(http: HttpClient, practice: Practice, email: str, password: str):  # type: ignore[no-untyped-def]
    return http.post(at(practice, "accounts:staff_sign_in"), {"email": email, "password": password})


def test_the_right_password_signs_in_with_a_new_session_id(maple: Practice, owner: User) -> None:
    http = HttpClient()
    http.get(at(maple, "accounts:staff_sign_in"))
    http.session.save()  # an anonymous session exists before signing in
    before = http.session.session_key
    response = sign_in(http, maple, "olivia@maple.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == at(maple, "clients:list")
    after = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after
    owner.refresh_from_db()
    assert owner.last_login is not None
    event = AuditEvent.objects.get(action="signin.succeeded")
    assert event.subject_user == owner
    assert event.details == {"identifier_kind": "email", "kind": "staff"}


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(
    maple: Practice, owner: User
) -> None:
    http = HttpClient()
    wanted = at(maple, "practices:settings")
    response = http.post(
        at(maple, "accounts:staff_sign_in"),
        {"email": "olivia@maple.test", "password": PASSWORD, "next": wanted},
    )
    assert response["Location"] == wanted
    http = HttpClient()
    response = http.post(
        at(maple, "accounts:staff_sign_in"),
        {"email": "olivia@maple.test", "password": PASSWORD, "next": "https://evil.test/"},
    )
    assert response["Location"] == at(maple, "clients:list")


def test_a_wrong_password_and_an_unknown_account_get_the_same_message(
    maple: Practice, owner: User
) -> None:
    wrong = sign_in(HttpClient(), maple, "olivia@maple.test", "not the password")
    unknown = sign_in(HttpClient(), maple, "nobody@maple.test", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert NO_MATCH in wrong.content.decode()
    assert NO_MATCH in unknown.content.decode()
    assert wrong.content.replace(b"olivia@maple.test", b"X").count(b"do not match") == 1
    reasons = sorted(e.details["reason"] for e in AuditEvent.objects.filter(action="signin.failed"))
    assert reasons == ["unknown_account", "wrong_password"]


def test_no_password_is_ever_written_to_the_audit_log(maple: Practice, owner: User) -> None:
    sign_in(HttpClient(), maple, "olivia@maple.test", "hunter2-secret-guess")
    sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD)
    for event in AuditEvent.objects.all():
        assert "hunter2" not in str(event.details)
        assert PASSWORD not in str(event.details)


def test_the_fifth_failure_locks_new_browsers_out_even_with_the_right_password_for_a_minute(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            assert sign_in(HttpClient(), maple, "olivia@maple.test", "wrong").status_code == 400
        owner.refresh_from_db()
        assert not is_locked(owner)
        fifth = sign_in(HttpClient(), maple, "olivia@maple.test", "wrong")
        assert "locked until" in fifth.content.decode()
        owner.refresh_from_db()
        assert owner.locked_until == T0 + FIRST_WAIT
        assert AuditEvent.objects.filter(action="signin.locked", subject_user=owner).count() == 1

        sixth = sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD)
        assert sixth.status_code == 400
        assert "locked until" in sixth.content.decode()

        clock.move_to(T0 + FIRST_WAIT - timedelta(seconds=1))
        assert sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD).status_code == 400

        clock.move_to(T0 + FIRST_WAIT)
        assert sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD).status_code == 302
    owner.refresh_from_db()
    assert owner.failed_sign_ins == 0


def test_the_lock_message_gives_the_unlock_time_in_the_practice_time_zone(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False):  # 15:00 UTC = 10:00 AM in New York (EST)
        for _ in range(5):
            sign_in(HttpClient(), maple, "olivia@maple.test", "wrong")
        page = sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD).content.decode()
    assert "locked until 10:01 AM (America/New York)" in page


def test_a_success_resets_the_failure_count(maple: Practice, owner: User) -> None:
    for _ in range(4):
        sign_in(HttpClient(), maple, "olivia@maple.test", "wrong")
    assert sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD).status_code == 302
    for _ in range(4):
        sign_in(HttpClient(), maple, "olivia@maple.test", "wrong")
    owner.refresh_from_db()
    assert not is_locked(owner)
    assert owner.failed_sign_ins == 4


def test_unlock_user_lifts_the_lock_at_once_and_is_audited(
    maple: Practice, owner: User, front_desk: User
) -> None:
    for _ in range(5):
        sign_in(HttpClient(), maple, "frank@maple.test", "wrong")
    front_desk.refresh_from_db()
    assert is_locked(front_desk)
    assert unlock_user(front_desk, by=Actor.for_user(owner)) is True
    front_desk.refresh_from_db()
    assert not is_locked(front_desk)
    assert sign_in(HttpClient(), maple, "frank@maple.test", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="access.unlocked")
    assert event.subject_user == front_desk
    assert event.actor == owner


def test_a_deactivated_account_is_told_so_only_after_the_right_password(
    maple: Practice, front_desk: User
) -> None:
    front_desk.is_active = False
    front_desk.save(update_fields=["is_active"])
    wrong = sign_in(HttpClient(), maple, "frank@maple.test", "wrong")
    assert NO_MATCH in wrong.content.decode()
    assert "deactivated" not in wrong.content.decode()
    right = sign_in(HttpClient(), maple, "frank@maple.test", PASSWORD)
    assert right.status_code == 400
    assert "deactivated" in right.content.decode()
    assert "_auth_user_id" not in HttpClient().session


def test_a_portal_user_cannot_use_the_staff_sign_in(maple: Practice, casey: Client) -> None:
    portal = User(practice=maple, kind=UserKind.PORTAL, username="casey", email="casey@example.com")
    portal.set_password(PASSWORD)
    portal.save()
    response = sign_in(HttpClient(), maple, "casey@example.com", PASSWORD)
    assert response.status_code == 400
    assert NO_MATCH in response.content.decode()


def test_staff_of_birch_cannot_sign_in_to_maple(maple: Practice, outsider: User) -> None:
    response = sign_in(HttpClient(), maple, "oscar@birch.test", PASSWORD)
    assert response.status_code == 400
    assert NO_MATCH in response.content.decode()


def test_too_many_attempts_from_one_address_are_refused_before_the_password_is_checked(
    maple: Practice, owner: User
) -> None:
    # 20 a minute from one IP address (lib.ratelimit), whatever the identifiers typed.
    with time_machine.travel(T0, tick=False) as clock:
        for attempt in range(20):
            sign_in(HttpClient(), maple, f"guess{attempt}@maple.test", "wrong")
        response = sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD)
        assert response.status_code == 400
        assert "Too many sign-in attempts" in response.content.decode()
        assert AuditEvent.objects.filter(action="signin.rate_limited").exists()
        clock.move_to(T0 + timedelta(minutes=1))
        assert sign_in(HttpClient(), maple, "olivia@maple.test", PASSWORD).status_code == 302


def test_sign_out_only_answers_post_and_ends_the_session(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    assert owner_http.get(at(maple, "accounts:staff_sign_out")).status_code == 405
    response = owner_http.post(at(maple, "accounts:staff_sign_out"))
    assert response["Location"] == at(maple, "accounts:staff_sign_in")
    assert "_auth_user_id" not in owner_http.session
    assert owner_http.get(at(maple, "clients:list")).status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGNED_OUT, subject_user=owner).exists()


def test_staff_sign_out_is_audited_under_the_portals_sign_out_name(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    owner_http.post(at(maple, "accounts:staff_sign_out"))
    event = AuditEvent.objects.get(subject_user=owner, action=Action.SIGNED_OUT)
    assert event.practice == maple and event.actor == owner
    assert not AuditEvent.objects.filter(action=Action.STAFF_SIGNED_OUT).exists()


def test_signing_out_when_nobody_is_signed_in_audits_nothing(maple: Practice) -> None:
    response = HttpClient().post(at(maple, "accounts:staff_sign_out"))
    assert response["Location"] == at(maple, "accounts:staff_sign_in")
    assert not AuditEvent.objects.filter(action=Action.SIGNED_OUT).exists()


@pytest.mark.parametrize("name", ["practices:settings", "practices:staff", "audit:list"])
def test_nobody_signed_in_is_sent_to_sign_in_and_back(maple: Practice, name: str) -> None:
    response = HttpClient().get(at(maple, name))
    assert response.status_code == 302
    assert response["Location"] == (
        at(maple, "accounts:staff_sign_in") + "?next=" + at(maple, name)
    )


@pytest.mark.parametrize("name", ["practices:settings", "practices:staff", "audit:list"])
def test_front_desk_gets_the_not_allowed_page_on_owner_screens(
    maple: Practice, front_desk_http: HttpClient, name: str
) -> None:
    response = front_desk_http.get(at(maple, name))
    assert response.status_code == 403
    assert "Your role does not include this" in response.content.decode()


def test_a_portal_user_gets_404_on_staff_screens(maple: Practice, casey: Client) -> None:
    portal = User(practice=maple, kind=UserKind.PORTAL, username="casey", email="casey@example.com")
    portal.set_unusable_password()
    portal.save()
    http = HttpClient()
    http.force_login(portal)
    assert http.get(at(maple, "practices:settings")).status_code == 404
