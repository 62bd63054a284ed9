from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import disable_portal_access, set_temporary_password
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.portal.conftest import landing, signed_in

NO_MATCH = "do not match our records"


def post_sign_in(http: HttpClient, practice: Practice, identifier: str, password: str) -> str:
    response = http.post(
        at(practice, "portal:sign_in"), {"identifier": identifier, "password": password}
    )
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_the_practice_root_sends_a_visitor_to_the_sign_in_page(maple: Practice) -> None:
    response = HttpClient().get(at(maple, "portal:home"))
    assert response.status_code == 302
    assert response["Location"] == at(maple, "portal:sign_in")


def test_the_sign_in_page_offers_help_with_a_forgotten_password_and_username(
    maple: Practice,
) -> None:
    page = HttpClient().get(at(maple, "portal:sign_in")).content.decode()
    assert "Forgot password?" in page
    assert "Forgot username?" in page
    assert "Email address or username" in page


def test_the_label_follows_the_practice_setting_for_usernames(maple: Practice) -> None:
    maple.sign_in_identifier = "username"
    maple.save(update_fields=["sign_in_identifier"])
    page = HttpClient().get(at(maple, "portal:sign_in")).content.decode()
    assert "Username or email address" in page


def test_a_client_signs_in_with_their_username(maple: Practice, casey_account: User) -> None:
    http = HttpClient()
    assert post_sign_in(http, maple, "Casey", PASSWORD) == at(maple, "portal:home")
    page = http.get(at(maple, "portal:home")).content.decode()
    assert "Hello, Casey" in page


def test_a_client_signs_in_with_their_email_address(maple: Practice, casey_account: User) -> None:
    http = HttpClient()
    assert post_sign_in(http, maple, "CASEY@example.com", PASSWORD) == at(maple, "portal:home")


def test_a_wrong_password_and_an_unknown_account_get_the_same_words(
    maple: Practice, casey_account: User
) -> None:
    wrong = post_sign_in(HttpClient(), maple, "casey", "not the password at all")
    unknown = post_sign_in(HttpClient(), maple, "nobody", "not the password at all")
    assert NO_MATCH in wrong
    assert NO_MATCH in unknown
    assert wrong.replace("casey", "").count(NO_MATCH) == unknown.count(NO_MATCH)


def test_a_refused_sign_in_ties_both_fields_to_the_refusal_for_screen_readers(
    maple: Practice, casey_account: User
) -> None:
    page = post_sign_in(HttpClient(), maple, "casey", "not the password at all")
    assert 'id="sign-in-error"' in page
    assert page.count('aria-describedby="sign-in-error"') == 2  # identifier and password
    assert page.count('aria-invalid="true"') == 2


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    maple: Practice, casey_account: User
) -> None:
    http = HttpClient()
    for _ in range(5):
        post_sign_in(http, maple, "casey", "wrong password here")
    page = post_sign_in(http, maple, "casey", PASSWORD)
    assert "locked until" in page
    assert "_auth_user_id" not in http.session


def test_the_lock_ends_after_fifteen_minutes(maple: Practice, casey_account: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            post_sign_in(HttpClient(), maple, "casey", "wrong password here")
        traveller.shift(timedelta(minutes=15))
        assert post_sign_in(HttpClient(), maple, "casey", PASSWORD) == at(maple, "portal:home")


def test_a_disabled_account_is_told_so_only_after_the_right_password(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    maple.phone = "555-0100"
    maple.save(update_fields=["phone"])
    disable_portal_access(casey, by=Actor.for_user(owner))
    wrong = post_sign_in(HttpClient(), maple, "casey", "wrong password here")
    assert NO_MATCH in wrong
    assert "turned off" not in wrong
    right = post_sign_in(HttpClient(), maple, "casey", PASSWORD)
    assert "Your portal access is turned off. Contact Maple Counseling at 555-0100." in right


def test_signing_in_gives_the_session_a_new_id(maple: Practice, casey_account: User) -> None:
    http = HttpClient()
    http.get(at(maple, "portal:sign_in"))
    session = http.session
    session["something"] = "before"
    session.save()
    before = http.cookies[settings.SESSION_COOKIE_NAME].value
    post_sign_in(http, maple, "casey", PASSWORD)
    after = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after


def test_a_maple_account_cannot_sign_in_at_birch(
    maple: Practice, birch: Practice, casey_account: User
) -> None:
    assert NO_MATCH in post_sign_in(HttpClient(), birch, "casey", PASSWORD)


def test_a_maple_session_means_nothing_at_birch(
    maple: Practice, birch: Practice, casey_account: User
) -> None:
    http = signed_in(maple, "casey")
    response = http.get(at(birch, "portal:home"))
    assert response["Location"] == at(birch, "portal:sign_in")


def test_staff_are_not_portal_users(maple: Practice, owner_http: HttpClient) -> None:
    response = owner_http.get(at(maple, "portal:home"))
    assert response["Location"] == at(maple, "portal:sign_in")


def test_sign_in_returns_to_the_portal_page_asked_for(maple: Practice, casey_account: User) -> None:
    http = HttpClient()
    target = at(maple, "portal:change_password")
    response = http.post(
        at(maple, "portal:sign_in") + f"?next={target}",
        {"identifier": "casey", "password": PASSWORD},
    )
    assert response["Location"] == target


def test_sign_in_never_returns_to_another_site(maple: Practice, casey_account: User) -> None:
    http = HttpClient()
    response = http.post(
        at(maple, "portal:sign_in") + "?next=https://evil.example/",
        {"identifier": "casey", "password": PASSWORD},
    )
    assert response["Location"] == at(maple, "portal:home")


def test_signing_out_ends_the_session_and_is_audited(maple: Practice, casey_account: User) -> None:
    http = signed_in(maple, "casey")
    response = http.post(at(maple, "portal:sign_out"))
    assert response["Location"] == at(maple, "portal:sign_in")
    assert http.get(at(maple, "portal:home"))["Location"] == at(maple, "portal:sign_in")
    assert AuditEvent.objects.filter(
        action="signin.signed_out", subject_user=casey_account
    ).exists()


def test_signing_out_needs_a_post(maple: Practice, casey_account: User) -> None:
    http = signed_in(maple, "casey")
    assert http.get(at(maple, "portal:sign_out")).status_code == 405


# --- temporary passwords -------------------------------------------------------------------


def test_a_temporary_password_signs_in_and_forces_a_new_password_first(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    temporary = set_temporary_password(casey, by=Actor.for_user(owner))
    http = HttpClient()
    assert post_sign_in(http, maple, "casey", temporary) == at(maple, "portal:change_password")
    assert http.get(at(maple, "portal:home"))["Location"] == at(maple, "portal:change_password")
    page = http.get(at(maple, "portal:change_password")).content.decode()
    assert "temporary password" in page
    assert "Current password" not in page  # they just proved it
    new = "a brand new passphrase for casey"
    response = http.post(
        at(maple, "portal:change_password"), {"new_password": new, "confirm_password": new}
    )
    assert response["Location"] == landing(maple, casey_account)
    assert http.get(at(maple, "portal:home")).status_code == 200
    casey_account.refresh_from_db()
    assert not casey_account.must_change_password
    assert casey_account.temporary_password_expires_at is None


def test_a_temporary_password_works_until_just_before_72_hours(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        temporary = set_temporary_password(casey, by=Actor.for_user(owner))
        traveller.shift(timedelta(hours=72) - timedelta(seconds=1))
        assert post_sign_in(HttpClient(), maple, "casey", temporary) == at(
            maple, "portal:change_password"
        )


def test_a_temporary_password_is_refused_after_72_hours_unused(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        temporary = set_temporary_password(casey, by=Actor.for_user(owner))
        traveller.shift(timedelta(hours=72))
        http = HttpClient()
        page = post_sign_in(http, maple, "casey", temporary)
    assert "This temporary password has expired" in page
    assert "_auth_user_id" not in http.session
