"""Anonymous "Forgot password?" requests have their own budget and never spend the staff one.

Issue 8, item 2: four anonymous requests used to leave staff unable to send a
client anything for a day. Now each person has 3 self-service emails an hour and
10 a day (silent when spent), counted apart from the 5 staff sends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.actions import SendLimitReached, send_invite, send_password_reset
from portico.access.limits import (
    SELF_SERVICE_DAILY_LIMIT,
    SELF_SERVICE_HOURLY_LIMIT,
    SEND_LIMIT,
    self_service_budget,
)
from portico.access.models import AccessLink
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.portal.actions import RequestOutcome, request_password_reset
from portico.practices.models import Practice
from tests.cast import access_of, at, attach, invite, make_family, register_new
from tests.portal.conftest import register, run_forgot_tasks

T0 = datetime(2026, 11, 21, 20, 5, tzinfo=UTC)  # 3:05 PM in New York


def forgot(practice: Practice, identifier: str, *, ip: str = "203.0.113.7") -> RequestOutcome:
    """The request, then the worker's run of the task it enqueued: the outcome."""
    assert request_password_reset(
        practice, identifier=identifier, by=Actor(user=None, label="visitor", ip=ip)
    )
    [[outcome]] = run_forgot_tasks()
    return RequestOutcome(outcome)


def self_service_links(**subject: object) -> int:
    return AccessLink.objects.filter(self_service=True, **subject).count()


@pytest.fixture
def casey_account(casey: Client, owner: User) -> User:
    """Casey's account, made the day before: its invitation is outside every window."""
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        return register(casey, owner, username="casey")


def test_the_limits_are_three_an_hour_and_ten_a_day() -> None:
    assert (SELF_SERVICE_HOURLY_LIMIT, SELF_SERVICE_DAILY_LIMIT, SEND_LIMIT) == (3, 10, 5)


def test_the_third_request_in_an_hour_is_emailed_and_the_fourth_is_not(
    maple: Practice, casey: Client, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        outcomes = [forgot(maple, "casey") for _ in range(3)]
        # The identifier's own rate limit allows 3 an hour: the 4th names the address.
        outcomes.append(forgot(maple, "casey@example.com"))
    assert outcomes == ["sent", "sent", "sent", "self_service_limit"]
    assert self_service_links(access__client=casey) == 3
    assert OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).count() == 3
    last = AuditEvent.objects.filter(action="access.reset.requested").latest("pk")
    assert last.details["outcome"] == "self_service_limit"


def test_the_visitor_sees_the_usual_answer_when_the_budget_is_spent(
    maple: Practice, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            forgot(maple, "casey")
        response = HttpClient(REMOTE_ADDR="198.51.100.4").post(
            at(maple, "portal:forgot_password"), {"identifier": "casey@example.com"}
        )
    assert response.status_code == 200
    assert "If an account matches, we've emailed a link" in response.content.decode()
    assert self_service_links() == 3


def test_a_request_stops_counting_toward_the_hour_exactly_an_hour_later(
    maple: Practice, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            forgot(maple, "casey")
    with time_machine.travel(T0 + timedelta(hours=1, seconds=-1), tick=False):
        assert forgot(maple, "casey") == "self_service_limit"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert forgot(maple, "casey") == "sent"


def test_the_tenth_request_in_a_day_is_emailed_and_the_eleventh_is_not(
    maple: Practice, casey: Client, casey_account: User
) -> None:
    outcomes = []
    for hour in range(3):  # 3 an hour: 9 requests, each hour's within both limits
        with time_machine.travel(T0 + timedelta(hours=hour), tick=False):
            outcomes += [forgot(maple, "casey") for _ in range(3)]
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        outcomes.append(forgot(maple, "casey"))  # the 10th
        outcomes.append(forgot(maple, "casey"))  # the 11th: only 1 this hour, 10 today
    assert outcomes == ["sent"] * 10 + ["self_service_limit"]
    assert self_service_links(access__client=casey) == 10
    with time_machine.travel(T0 + timedelta(hours=24, seconds=-1), tick=False):
        assert forgot(maple, "casey") == "self_service_limit"
    with time_machine.travel(T0 + timedelta(hours=24), tick=False):
        assert forgot(maple, "casey") == "sent"  # the first three left the window


def test_staff_can_still_send_five_after_any_number_of_anonymous_requests(
    maple: Practice, casey: Client, owner: User, front_desk: User, casey_account: User
) -> None:
    for hour in range(5):
        with time_machine.travel(T0 + timedelta(hours=hour), tick=False):
            for number in range(3):
                forgot(maple, "casey", ip=f"198.51.100.{number}")
    assert self_service_links(access__client=casey) == 10  # 5 more were refused
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        sent = [send_password_reset(casey, by=Actor.for_user(front_desk)) for _ in range(4)]
        sent.append(send_invite(casey, by=Actor.for_user(owner)))  # a reset: the account exists
        assert [s.sends_left for s in sent] == [4, 3, 2, 1, 0]
        with pytest.raises(SendLimitReached):
            send_password_reset(casey, by=Actor.for_user(front_desk))
    assert AccessLink.objects.filter(access__client=casey, self_service=False).count() == 1 + 5


def test_anonymous_requests_after_staff_used_all_five_follow_their_own_budget(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(SEND_LIMIT):
            send_password_reset(casey, by=Actor.for_user(owner))
        with pytest.raises(SendLimitReached):
            send_password_reset(casey, by=Actor.for_user(owner))
        outcomes = [forgot(maple, "casey") for _ in range(3)]
        outcomes.append(forgot(maple, "casey@example.com"))
    assert outcomes == ["sent", "sent", "sent", "self_service_limit"]


def test_self_service_links_are_marked_and_staff_links_are_not(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    staff = send_password_reset(casey, by=Actor.for_user(owner))
    forgot(maple, "casey")
    own = AccessLink.objects.filter(access__client=casey).exclude(pk=staff.link.pk).latest("pk")
    staff.link.refresh_from_db()
    assert own.self_service and not staff.link.self_service
    sent = AuditEvent.objects.filter(action="access.reset.resent").latest("pk")
    assert sent.details.get("self_service") is True


# --- a guardian's account (acting for children, no client of its own) ------------------------


def _pat(maple: Practice, owner: User) -> User:
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    attach(invite(family.pat_for_leo, owner), pat)
    return pat


def test_a_guardians_account_has_the_same_self_service_budget(maple: Practice, owner: User) -> None:
    pat = _pat(maple, owner)
    with time_machine.travel(T0, tick=False):
        outcomes = [forgot(maple, "pat") for _ in range(3)]
        outcomes.append(forgot(maple, "pat.parent@example.com"))
        # Staff's allowance for the account is untouched by the three.
        for _ in range(SEND_LIMIT):
            send_password_reset(pat, by=Actor.for_user(owner))
        with pytest.raises(SendLimitReached):
            send_password_reset(pat, by=Actor.for_user(owner))
    assert outcomes == ["sent", "sent", "sent", "self_service_limit"]
    assert self_service_links(user=pat, access__isnull=True) == 3


# --- what staff see ---------------------------------------------------------------------------


def test_the_portal_access_panel_shows_both_counts(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        send_password_reset(casey, by=Actor.for_user(owner))
        forgot(maple, "casey")
        forgot(maple, "casey")
        assert self_service_budget(access_of(casey)).last_day == 2
        page = front_desk_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    assert "Staff sends: 4 of 5 invitation or reset emails left in the last 24 hours." in page
    assert (
        "Self-service: 2 reset requests in the last 24 hours (limit 10 a day, 3 an hour)." in page
    )


def test_the_panel_says_when_the_self_service_budget_is_spent_and_staff_are_not_affected(
    maple: Practice, casey: Client, front_desk_http: HttpClient, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            forgot(maple, "casey")
        page = front_desk_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    assert "Staff sends: 5 of 5 invitation or reset emails left" in page
    assert "Self-service: 3 reset requests in the last 24 hours" in page
    assert "further requests are not emailed for now. Staff sends are not affected" in page


def test_a_guardians_row_shows_their_self_service_requests(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    pat = _pat(maple, owner)
    mia = Client.objects.get(first_name="Mia")
    with time_machine.travel(T0, tick=False):
        forgot(maple, "pat")
        page = front_desk_http.get(at(maple, "clients:detail", mia.public_id)).content.decode()
    assert pat.username == "pat"
    assert "Self-service: 1 reset request in the last 24 hours" in page
