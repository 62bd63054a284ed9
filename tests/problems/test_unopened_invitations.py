"""An invitation delivered but not opened for the practice's number of days is a problem."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.models import AccessLink
from portico.access.registration import record_link_view
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.models import LinkLifetime, Practice
from portico.problems.queries import access_problems
from tests.cast import by


def week_long_invitations(practice: Practice, days: int) -> None:
    practice.invite_lifetime_hours = LinkLifetime.WEEK
    practice.unopened_invitation_days = days
    practice.save(update_fields=["invite_lifetime_hours", "unopened_invitation_days"])


def delivered(link: AccessLink, status: str = EmailStatus.DELIVERED) -> None:
    now = timezone.now()
    OutboundEmail.objects.filter(link=link).update(
        status=status, sent_at=now, delivered_at=now if status == EmailStatus.DELIVERED else None
    )


def kinds_at(practice: Practice, moment: object) -> list[str]:
    return [p.kind for p in access_problems(practice, moment)]  # type: ignore[arg-type]


def test_listed_exactly_n_days_after_delivery_and_not_a_second_before(
    maple: Practice, casey: Client, owner: User
) -> None:
    week_long_invitations(maple, 3)
    link = send_invite(casey, by=by(owner)).link
    delivered(link)
    arrived = OutboundEmail.objects.get(link=link).delivered_at
    assert arrived is not None
    assert kinds_at(maple, arrived + timedelta(days=3) - timedelta(seconds=1)) == []
    [problem] = access_problems(maple, arrived + timedelta(days=3))
    assert problem.kind == "unopened"
    assert problem.since == arrived + timedelta(days=3)
    assert "has not been opened in 3 days" in problem.reason
    assert "casey@example.com was delivered on" in problem.reason
    assert problem.fix_label == "Resend the invitation"


def test_an_opened_invitation_is_no_problem(maple: Practice, casey: Client, owner: User) -> None:
    week_long_invitations(maple, 2)
    link = send_invite(casey, by=by(owner)).link
    delivered(link)
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1)):
        assert kinds_at(maple, timezone.now()) == ["unopened"]
        record_link_view(link, by=Actor.system(), at=timezone.now())
        assert kinds_at(maple, timezone.now()) == []


def test_a_resent_invitation_starts_the_count_again(
    maple: Practice, casey: Client, owner: User
) -> None:
    week_long_invitations(maple, 2)
    delivered(send_invite(casey, by=by(owner)).link)
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1)):
        assert kinds_at(maple, timezone.now()) == ["unopened"]
        send_invite(casey, by=by(owner))  # queued: not delivered yet
        assert kinds_at(maple, timezone.now()) == []


def test_sent_without_a_delivery_report_counts_and_says_sent(
    maple: Practice, casey: Client, owner: User
) -> None:
    week_long_invitations(maple, 1)
    delivered(send_invite(casey, by=by(owner)).link, EmailStatus.SENT)
    [problem] = access_problems(maple, timezone.now() + timedelta(days=1, minutes=1))
    assert problem.kind == "unopened" and " was sent on " in problem.reason


def test_a_queued_or_deferred_invitation_is_not_unopened(
    maple: Practice, casey: Client, owner: User
) -> None:
    week_long_invitations(maple, 1)
    link = send_invite(casey, by=by(owner)).link
    assert kinds_at(maple, timezone.now() + timedelta(days=2)) == []
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.DEFERRED)
    assert kinds_at(maple, timezone.now() + timedelta(days=2)) == []


def test_once_expired_it_is_an_expired_invitation_not_an_unopened_one(
    maple: Practice, casey: Client, owner: User
) -> None:
    maple.unopened_invitation_days = 1
    maple.save(update_fields=["unopened_invitation_days"])
    delivered(send_invite(casey, by=by(owner)).link)  # the default lifetime: 48 hours
    assert kinds_at(maple, timezone.now() + timedelta(hours=30)) == ["unopened"]
    assert kinds_at(maple, timezone.now() + timedelta(hours=49)) == ["expired"]
