from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from portico.access.actions import (
    disable_portal_access,
    send_invite,
    set_temporary_password,
)
from portico.access.queries import portal_account_for
from portico.access.registration import record_dob_failure
from portico.access.status_reads import portal_status, portal_statuses
from portico.accounts.lockout import register_failure
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import by, make_client

T0 = datetime(2026, 11, 21, 20, 5, tzinfo=UTC)  # 3:05 PM in New York


def test_a_new_client_is_not_invited(casey: Client) -> None:
    status = portal_status(casey, timezone.now())
    assert (status.state, status.primary_action) == ("not_invited", "send_invite")
    assert status.sends_left == 5


def test_a_client_without_email_is_offered_a_temporary_password(noah: Client) -> None:
    status = portal_status(noah, timezone.now())
    assert status.primary_action == "temporary_password"
    assert "No email address" in status.explanation


def test_an_invited_client_shows_to_whom_when_and_until_when(casey: Client, owner: User) -> None:
    with time_machine.travel(T0, tick=False):
        send_invite(casey, by=by(owner))
    status = portal_status(casey, T0 + timedelta(minutes=1))
    assert status.state == "invited"
    assert status.primary_action == "resend_invite"
    assert status.explanation == (
        "Sent to casey@example.com on Nov 21 at 3:05 PM; expires Nov 23 at 3:05 PM"
    )
    assert status.email is not None and status.email.to_address == "casey@example.com"
    assert status.sends_left == 4


def test_an_expired_invitation_says_when(casey: Client, owner: User) -> None:
    with time_machine.travel(T0, tick=False):
        link = send_invite(casey, by=by(owner)).link
    status = portal_status(casey, link.expires_at)
    assert status.state == "invite_expired"
    assert status.explanation == "Expired on Nov 23 at 3:05 PM — send a new one"


def test_a_link_revoked_for_wrong_dates_of_birth_tells_staff_what_to_check(
    casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    for _ in range(5):
        record_dob_failure(link, by=Actor.system(), at=timezone.now())
    status = portal_status(casey, timezone.now())
    assert status.state == "invite_revoked"
    assert status.explanation == (
        "Too many wrong dates of birth (5) — check the date of birth on file, then resend"
    )
    assert any("too many wrong dates of birth" in e.sentence for e in status.events)


def test_an_active_client_shows_the_username_and_a_reset_first(casey: Client, owner: User) -> None:
    set_temporary_password(casey, by=by(owner))
    status = portal_status(casey, timezone.now())
    assert status.state == "active"
    assert status.explanation.startswith("Active: username casey.client, has not signed in yet")
    assert status.primary_action == "send_password_reset"


def test_a_locked_account_says_until_when(casey: Client, owner: User) -> None:
    set_temporary_password(casey, by=by(owner))
    account = portal_account_for(casey)
    assert account is not None
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            register_failure(account, by=Actor.system())
    status = portal_status(casey, T0)
    assert status.state == "locked"
    # The first refusal lasts a minute (accounts.lockout); it grows with further failures.
    assert status.explanation == (
        "Locked until 3:06 PM for browsers that have not signed in before, "
        "after 5 wrong passwords in a row"
    )
    assert status.primary_action == "unlock"


def test_disabled_with_and_without_an_account(
    maple: Practice, casey: Client, noah: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    disable_portal_access(casey, by=by(owner))
    disable_portal_access(noah, by=by(owner))
    casey_status = portal_status(casey, timezone.now())
    assert casey_status.state == "disabled"
    assert casey_status.explanation == (
        "Disabled: cannot sign in as casey.client, even with the right password"
    )
    assert casey_status.detail == "Cannot sign in as casey.client, even with the right password"
    assert casey_status.primary_action == "enable_access"
    assert portal_status(noah, timezone.now()).explanation == "Disabled, never set up"


def test_no_sends_left_says_when_the_next_is_possible(casey: Client, owner: User) -> None:
    for minute in range(5):
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            send_invite(casey, by=by(owner))
    status = portal_status(casey, T0 + timedelta(hours=1))
    assert status.sends_left == 0
    assert status.next_available_at == T0 + timedelta(hours=24)
    assert status.next_available_text == "Nov 22 at 3:05 PM"


def test_statuses_for_a_list_take_the_same_number_of_queries_for_3_or_30_clients(
    maple: Practice, owner: User, django_assert_max_num_queries: object
) -> None:
    clients = []
    for number in range(30):
        client = make_client(
            maple, owner, f"C{number}", "Person", emails=(f"c{number}@example.com",)
        )
        if number % 3 == 0:
            send_invite(client, by=by(owner))
        elif number % 3 == 1:
            set_temporary_password(client, by=by(owner))
        clients.append(client)
    fresh = list(Client.objects.filter(pk__in=[c.pk for c in clients]))
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        few = portal_statuses(fresh[:3], timezone.now())
    fresh = list(Client.objects.filter(pk__in=[c.pk for c in clients]))
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        many = portal_statuses(fresh, timezone.now())
    assert len(few) == 3 and len(many) == 30
    assert {s.state for s in many.values()} == {"invited", "active", "not_invited"}


def test_the_panel_shows_the_status_and_the_actions_a_role_may_take(
    maple: Practice, casey: Client, owner: User
) -> None:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.urls import set_urlconf

    send_invite(casey, by=by(owner))
    request = RequestFactory().get("/")
    request.practice = maple  # type: ignore[attr-defined]
    set_urlconf(settings.PRACTICE_URLCONF)
    html = render_to_string(
        "access/_client_panel.html",
        {
            "status": portal_status(casey, timezone.now()),
            "client": casey,
            "can": {"send_invites": True, "toggle_portal_access": True},
        },
        request=request,
    )
    assert "Resend invite" in html
    assert "Set a temporary password" not in html  # front desk lacks the capability
    assert "4 of 5 invitation or reset emails left" in html
    assert "Portal invitation sent to casey@example.com" in html
    set_urlconf(None)
