"""The staff page: roles, deactivation, and staff invitations (1-hour links)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.links import STAFF_INVITE_LIFETIME, hash_token, is_live
from portico.access.models import AccessLink, LinkPurpose, RevokeReason
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.actions import (
    StaffRuleError,
    accept_staff_invite,
    change_staff_role,
    deactivate_staff_member,
    invite_staff_member,
    reactivate_staff_member,
    resend_staff_invite,
)
from portico.practices.models import Practice, Role
from tests.cast import at, make_staff
from tests.top_bar import warm_top_bar

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)
NEW_PASSWORD = "a long and unusual passphrase 42"


def invite_dana(practice: Practice, by: User, role: Role = Role.FRONT_DESK) -> User:
    return invite_staff_member(
        practice,
        email="Dana@Maple.test",
        first_name="Dana",
        last_name="Desk",
        role=role,
        by=Actor.for_user(by),
    )


def token_from_email(user: User) -> str:
    email = OutboundEmail.objects.filter(kind=EmailKind.STAFF_INVITE, to_address=user.email).latest(
        "created_at", "id"
    )
    marker = "/staff/welcome/"
    start = email.text_body.index(marker) + len(marker)
    return email.text_body[start:].split("/", 1)[0]


# --- roles ----------------------------------------------------------------------------


def test_an_owner_changes_a_role_and_it_is_audited(
    maple: Practice, owner: User, front_desk: User
) -> None:
    assert change_staff_role(front_desk, role=Role.ADMIN, by=Actor.for_user(owner))
    front_desk.membership.refresh_from_db()
    assert front_desk.membership.role == Role.ADMIN
    event = AuditEvent.objects.get(action="staff.role_changed")
    assert event.details == {"email": "frank@maple.test", "old": "front_desk", "new": "admin"}


def test_an_admin_cannot_change_an_owner_or_make_one(maple: Practice, owner: User) -> None:
    admin = make_staff(maple, owner, "ada@maple.test", "Ada", Role.ADMIN)
    clerk = make_staff(maple, owner, "cal@maple.test", "Cal", Role.FRONT_DESK)
    with pytest.raises(StaffRuleError, match="Only an owner can change another owner"):
        change_staff_role(owner, role=Role.ADMIN, by=Actor.for_user(admin))
    with pytest.raises(StaffRuleError, match="Only an owner can make someone an owner"):
        change_staff_role(clerk, role=Role.OWNER, by=Actor.for_user(admin))
    with pytest.raises(StaffRuleError, match="Only an owner"):
        deactivate_staff_member(owner, by=Actor.for_user(admin))


def test_the_last_owner_cannot_be_demoted_or_deactivated(maple: Practice, owner: User) -> None:
    with pytest.raises(StaffRuleError, match="at least one owner"):
        change_staff_role(owner, role=Role.ADMIN, by=Actor.for_user(owner))
    second = make_staff(maple, owner, "otto@maple.test", "Otto", Role.OWNER)
    deactivate_staff_member(owner, by=Actor.for_user(second))  # Otto remains an owner
    with pytest.raises(StaffRuleError, match="at least one owner"):
        change_staff_role(second, role=Role.ADMIN, by=Actor.for_user(second))
    admin = make_staff(maple, second, "ada@maple.test", "Ada", Role.ADMIN)
    with pytest.raises(StaffRuleError, match="Only an owner"):
        deactivate_staff_member(second, by=Actor.for_user(admin))


def test_nobody_deactivates_themselves(maple: Practice, owner: User) -> None:
    with pytest.raises(StaffRuleError, match="your own account"):
        deactivate_staff_member(owner, by=Actor.for_user(owner))


def test_deactivating_ends_every_session_and_reactivating_allows_sign_in_again(
    maple: Practice, owner: User, front_desk: User, front_desk_http: HttpClient
) -> None:
    assert front_desk_http.get(at(maple, "accounts:staff_sign_in")).status_code == 302
    deactivate_staff_member(front_desk, by=Actor.for_user(owner))
    assert front_desk_http.get(at(maple, "accounts:staff_sign_in")).status_code == 200
    front_desk.refresh_from_db()
    assert front_desk.session_generation == 1
    reactivate_staff_member(front_desk, by=Actor.for_user(owner))
    actions = list(
        AuditEvent.objects.filter(subject_user=front_desk, action__startswith="staff.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["staff.deactivated", "staff.reactivated"]


def test_the_staff_page_changes_a_role_by_post(
    maple: Practice, owner_http: HttpClient, front_desk: User
) -> None:
    response = owner_http.post(
        at(maple, "practices:change_role", front_desk.pk), {f"m{front_desk.pk}-role": "clinician"}
    )
    assert response.status_code == 302
    front_desk.membership.refresh_from_db()
    assert front_desk.membership.role == Role.CLINICIAN


def test_a_refused_role_change_says_why_on_the_staff_page(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    second = make_staff(maple, owner, "otto@maple.test", "Otto", Role.OWNER)
    deactivate_staff_member(second, by=Actor.for_user(owner))
    response = owner_http.post(
        at(maple, "practices:change_role", owner.pk), {f"m{owner.pk}-role": "admin"}, follow=True
    )
    assert "at least one owner" in response.content.decode()


# --- staff invitations ---------------------------------------------------------------


def test_an_invitation_creates_a_passwordless_account_a_1_hour_link_and_an_email(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False):
        dana = invite_dana(maple, owner)
    assert dana.email == "dana@maple.test"
    assert not dana.has_usable_password()
    assert dana.membership.role == Role.FRONT_DESK
    link = AccessLink.objects.get(user=dana, purpose=LinkPurpose.STAFF_INVITE)
    assert link.expires_at == T0 + STAFF_INVITE_LIFETIME == T0 + timedelta(hours=1)
    email = OutboundEmail.objects.get(kind=EmailKind.STAFF_INVITE)
    assert email.to_address == "dana@maple.test"
    assert email.link == link
    token = token_from_email(dana)
    assert hash_token(token) == link.token_hash
    assert AuditEvent.objects.filter(action="staff.invited", subject_user=dana).exists()


def test_the_staff_invite_link_works_until_one_hour_to_the_second(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        dana = invite_dana(maple, owner)
        token = token_from_email(dana)
        http = HttpClient()
        clock.move_to(T0 + timedelta(hours=1) - timedelta(seconds=1))
        http.get(at(maple, "accounts:staff_welcome_link", token))
        assert http.get(at(maple, "accounts:staff_welcome")).status_code == 200
        clock.move_to(T0 + timedelta(hours=1))
        dead = http.get(at(maple, "accounts:staff_welcome"))
    assert dead.status_code == 410
    assert "This invitation expired on Monday, March 2 at 11:00 AM." in dead.content.decode()


def test_opening_the_link_moves_the_token_into_the_session_and_spends_nothing(
    maple: Practice, owner: User
) -> None:
    dana = invite_dana(maple, owner)
    token = token_from_email(dana)
    http = HttpClient()
    for _ in range(5):
        response = http.get(at(maple, "accounts:staff_welcome_link", token))
        assert response["Location"] == at(maple, "accounts:staff_welcome")
        assert http.get(response["Location"]).status_code == 200
    # The session carries the link by its digest, never the token itself.
    assert http.session["portico_link_hash:staff_invite"] == hash_token(token)
    assert token not in str(dict(http.session))
    link = AccessLink.objects.get(user=dana)
    assert is_live(link)
    assert link.first_viewed_at is not None
    assert AuditEvent.objects.filter(action="staff.invite_viewed").count() == 1


def test_accepting_sets_the_password_and_signs_in_with_a_fresh_session(
    maple: Practice, owner: User
) -> None:
    dana = invite_dana(maple, owner)
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token_from_email(dana)))
    http.get(at(maple, "accounts:staff_welcome"))
    before = http.session.session_key
    response = http.post(
        at(maple, "accounts:staff_welcome"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response["Location"] == at(maple, "clients:list")
    assert http.session.session_key != before
    assert http.session["_auth_user_id"] == str(dana.pk)
    dana.refresh_from_db()
    assert dana.check_password(NEW_PASSWORD)
    assert AccessLink.objects.get(user=dana).used_at is not None
    assert AuditEvent.objects.filter(action="staff.invite_accepted", subject_user=dana).exists()


def test_a_weak_or_mismatched_password_is_refused_and_the_link_stays_live(
    maple: Practice, owner: User
) -> None:
    dana = invite_dana(maple, owner)
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token_from_email(dana)))
    short = http.post(
        at(maple, "accounts:staff_welcome"), {"new_password": "short", "confirm_password": "short"}
    )
    assert short.status_code == 200
    assert "too short" in short.content.decode()
    different = http.post(
        at(maple, "accounts:staff_welcome"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
    )
    assert "The two passwords are different" in different.content.decode()
    assert is_live(AccessLink.objects.get(user=dana))


def test_the_requirements_are_shown_before_typing(maple: Practice, owner: User) -> None:
    dana = invite_dana(maple, owner)
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token_from_email(dana)))
    page = http.get(at(maple, "accounts:staff_welcome")).content.decode()
    assert "at least 12 characters" in page


def test_an_invitation_is_used_once(maple: Practice, owner: User) -> None:
    dana = invite_dana(maple, owner)
    link = AccessLink.objects.get(user=dana)
    assert accept_staff_invite(link, password=NEW_PASSWORD, by=Actor.system()) is not None
    assert accept_staff_invite(link, password="another password 123", by=Actor.system()) is None
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token_from_email(dana)))
    page = http.get(at(maple, "accounts:staff_welcome"))
    assert page.status_code == 410
    assert "already used" in page.content.decode()


def test_resending_supersedes_the_earlier_link(maple: Practice, owner: User) -> None:
    dana = invite_dana(maple, owner)
    first_token = token_from_email(dana)
    resend_staff_invite(dana, by=Actor.for_user(owner))
    second_token = token_from_email(dana)
    assert first_token != second_token
    first = AccessLink.objects.get(token_hash=hash_token(first_token))
    assert first.revoked_reason == RevokeReason.SUPERSEDED
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", first_token))
    page = http.get(at(maple, "accounts:staff_welcome")).content.decode()
    assert "A newer invitation was sent" in page
    assert "ask the owner" in page.lower()


def test_unknown_and_other_practice_tokens_look_the_same(
    maple: Practice, owner: User, birch: Practice, outsider: User
) -> None:
    oscar_invitee = invite_staff_member(
        birch,
        email="bea@birch.test",
        first_name="Bea",
        last_name="B",
        role=Role.CLINICIAN,
        by=Actor.for_user(outsider),
    )
    birch_token = token_from_email(oscar_invitee)
    pages = []
    for token in (birch_token, "A" * 43):
        http = HttpClient()
        http.get(at(maple, "accounts:staff_welcome_link", token))
        response = http.get(at(maple, "accounts:staff_welcome"))
        pages.append((response.status_code, response.content))
    assert pages[0] == pages[1]
    assert b"Bea" not in pages[0][1]


def test_a_deactivated_invitee_cannot_accept(maple: Practice, owner: User) -> None:
    dana = invite_dana(maple, owner)
    token = token_from_email(dana)
    deactivate_staff_member(dana, by=Actor.for_user(owner))
    assert AccessLink.objects.get(user=dana).revoked_reason == RevokeReason.ACCESS_DISABLED
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token))
    assert http.get(at(maple, "accounts:staff_welcome")).status_code == 410


def test_an_admin_cannot_invite_an_owner(maple: Practice, owner: User) -> None:
    admin = make_staff(maple, owner, "ada@maple.test", "Ada", Role.ADMIN)
    with pytest.raises(StaffRuleError):
        invite_dana(maple, admin, role=Role.OWNER)
    assert not User.objects.filter(email="dana@maple.test").exists()


def test_the_invite_form_refuses_an_email_already_on_the_staff_list(
    maple: Practice, owner_http: HttpClient, front_desk: User
) -> None:
    response = owner_http.post(
        at(maple, "practices:invite_staff"),
        {"first_name": "F", "last_name": "D", "email": "FRANK@maple.test", "role": "clinician"},
    )
    assert response.status_code == 400
    assert "already uses this email address" in response.content.decode()


def test_the_staff_page_invites_by_post(maple: Practice, owner_http: HttpClient) -> None:
    response = owner_http.post(
        at(maple, "practices:invite_staff"),
        {"first_name": "Dana", "last_name": "Desk", "email": "dana@maple.test", "role": "admin"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="dana@maple.test").membership.role == Role.ADMIN


# --- isolation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["change_role", "deactivate_staff", "reactivate_staff", "resend_staff_invite"]
)
def test_the_outsider_gets_404_for_maple_staff_in_his_own_practice(
    birch: Practice, outsider_http: HttpClient, front_desk: User, name: str
) -> None:
    response = outsider_http.post(at(birch, f"practices:{name}", front_desk.pk), {})
    assert response.status_code == 404
    front_desk.refresh_from_db()
    assert front_desk.is_active


def test_the_staff_list_costs_the_same_queries_for_3_or_30_staff(
    maple: Practice, owner: User, owner_http: HttpClient, django_assert_max_num_queries: object
) -> None:
    for n in range(30):
        make_staff(maple, owner, f"s{n}@maple.test", f"S{n}", Role.CLINICIAN)
    warm_top_bar(maple)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert owner_http.get(at(maple, "practices:staff")).status_code == 200
