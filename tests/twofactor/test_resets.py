"""An owner resets a staff member's second factors; staff remove a client's after
checking who they are. Both audited; the other practice's ids are 404."""

from __future__ import annotations

from django.test import Client as HttpClient

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from portico.twofactor.methods import has_second_factor, recovery_codes_left
from tests.cast import at, by, register_new
from tests.twofactor.helpers import enrol, is_signed_in


def test_an_owner_resets_a_members_factors_ends_their_sessions_and_emails_them(
    maple: Practice, owner_http: HttpClient, front_desk: User
) -> None:
    enrol(front_desk)
    theirs = HttpClient()
    theirs.force_login(front_desk)  # (a shortcut: a session of theirs to be ended)
    url = at(maple, "twofactor:reset_member", front_desk.pk)
    page = owner_http.get(url).content.decode()
    assert "Authenticator app" in page and "Reset two-step sign-in" in page
    response = owner_http.post(url)
    assert response.status_code == 302 and response["Location"].endswith("/staff/practice/staff/")
    assert not has_second_factor(front_desk) and recovery_codes_left(front_desk) == 0
    theirs.get(at(maple, "clients:list"))
    assert not is_signed_in(theirs)
    email = OutboundEmail.objects.get(kind=EmailKind.TWO_FACTOR_RESET)
    assert email.to_address == "frank@maple.test"
    event = AuditEvent.objects.get(action="signin.two_factor.reset", subject_user=front_desk)
    assert event.details["authenticator_apps"] == 1 and event.details["recovery_codes"] == 10


def test_the_reset_email_says_what_happened_in_both_parts(
    maple: Practice, owner_http: HttpClient, front_desk: User
) -> None:
    enrol(front_desk)
    owner_http.post(at(maple, "twofactor:reset_member", front_desk.pk))
    email = OutboundEmail.objects.get(kind=EmailKind.TWO_FACTOR_RESET)
    assert "reset the two-step sign-in" in email.text_body
    assert "reset the two-step sign-in" in email.html_body
    assert "Maple Counseling" in email.subject


def test_only_owners_reset_factors(maple: Practice, owner: User, front_desk: User) -> None:
    from portico.practices.actions import add_staff_member
    from portico.practices.models import Role
    from tests.cast import PASSWORD

    admin = add_staff_member(
        maple,
        email="ada@maple.test",
        first_name="Ada",
        last_name="Admin",
        role=Role.ADMIN,
        password=PASSWORD,
        by=by(owner),
    )
    http = HttpClient()
    http.force_login(admin)
    enrol(front_desk)
    assert http.post(at(maple, "twofactor:reset_member", front_desk.pk)).status_code == 403
    assert has_second_factor(front_desk)


def test_another_practices_member_is_404(
    maple: Practice, owner_http: HttpClient, outsider: User
) -> None:
    enrol(outsider)
    assert owner_http.get(at(maple, "twofactor:reset_member", outsider.pk)).status_code == 404
    assert owner_http.post(at(maple, "twofactor:reset_member", outsider.pk)).status_code == 404
    assert has_second_factor(outsider)


def test_staff_page_shows_who_has_set_up_two_step_sign_in(
    maple: Practice, owner_http: HttpClient, front_desk: User
) -> None:
    enrol(front_desk)
    page = owner_http.get(at(maple, "practices:staff")).content.decode()
    assert "Two-step sign-in" in page
    assert "Authenticator app" in page and "Not set up" in page


def test_staff_remove_a_clients_second_factor_after_checking_who_they_are(
    maple: Practice, owner: User, front_desk_http: HttpClient, casey: Client
) -> None:
    account = register_new(send_invite(casey, by=by(owner)).link, username="casey")
    enrol(account)
    url = at(maple, "twofactor:remove_client_factor", casey.public_id, account.pk)
    page = front_desk_http.get(url).content.decode()
    assert "Verify who they are first (date of birth, phone)" in page
    unverified = front_desk_http.post(url, {})
    assert unverified.status_code == 400 and has_second_factor(account)
    done = front_desk_http.post(url, {"verified_by": "date_of_birth_and_phone"})
    assert done.status_code == 302
    assert not has_second_factor(account)
    event = AuditEvent.objects.get(action="signin.two_factor.reset", subject_user=account)
    assert event.client_id == casey.pk
    assert event.details["verified_by"] == "date_of_birth_and_phone"
    client_page = front_desk_http.get(at(maple, "clients:detail", casey.public_id))
    assert "Two-step sign-in reset" in client_page.content.decode()


def test_the_client_panel_offers_the_removal_only_when_there_is_a_second_factor(
    maple: Practice, owner: User, front_desk_http: HttpClient, casey: Client
) -> None:
    account = register_new(send_invite(casey, by=by(owner)).link, username="casey")
    detail = at(maple, "clients:detail", casey.public_id)
    assert "Remove two-step sign-in" not in front_desk_http.get(detail).content.decode()
    enrol(account)
    assert "Remove two-step sign-in" in front_desk_http.get(detail).content.decode()


def test_another_practices_client_account_is_404(
    maple: Practice, birch: Practice, owner: User, outsider: User, front_desk_http: HttpClient
) -> None:
    from tests.cast import make_client

    theirs = make_client(birch, outsider, "Bea", "Birch", emails=("bea@example.com",))
    account = register_new(send_invite(theirs, by=by(outsider)).link, username="bea")
    enrol(account)
    url = at(maple, "twofactor:remove_client_factor", theirs.public_id, account.pk)
    assert front_desk_http.get(url).status_code == 404
    assert front_desk_http.post(url, {"verified_by": "in_person_photo_id"}).status_code == 404
    assert has_second_factor(account)
