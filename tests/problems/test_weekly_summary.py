"""The weekly access summary: owners and admins, Monday morning, once a week, no names."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.practices.models import Practice, Role
from portico.problems.models import AccessSummaryState
from portico.problems.summary import send_access_summary, send_weekly_access_summaries, week_start
from tests.cast import by, make_client, make_staff

NEW_YORK = ZoneInfo("America/New_York")
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK)  # a Monday


def summaries() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=EmailKind.ACCESS_SUMMARY).order_by("to_address"))


@pytest.fixture
def stuck(maple: Practice, owner: User, casey: Client) -> Client:
    """Casey's invitation bounced; Noah is fine."""
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    return casey


def test_the_week_starts_on_monday_at_8_in_the_practices_time_zone(maple: Practice) -> None:
    monday_8 = datetime(2026, 11, 30, 8, 0, tzinfo=NEW_YORK)
    assert week_start(maple, monday_8) == monday_8
    assert week_start(maple, monday_8 - timedelta(seconds=1)) == monday_8 - timedelta(days=7)
    assert week_start(maple, monday_8 + timedelta(days=6)) == monday_8


def test_owners_and_admins_get_the_count_and_a_link_but_no_names(
    maple: Practice, owner: User, front_desk: User, stuck: Client
) -> None:
    admin = make_staff(maple, owner, "adam@maple.test", "Adam", Role.ADMIN)
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert send_weekly_access_summaries() == 1
    emails = summaries()
    assert [e.to_address for e in emails] == sorted([owner.email, admin.email])
    for email in emails:
        assert email.subject == "Maple Counseling: 1 person cannot sign in to the client portal"
        assert "1 person cannot sign in" in email.text_body
        assert "/p/maple/staff/access-problems/" in email.text_body
        assert "/p/maple/staff/access-problems/" in email.html_body
        for part in (email.subject, email.text_body, email.html_body):
            assert "Casey" not in part and "casey@example.com" not in part
    assert "Hello Adam," in next(e for e in emails if e.to_address == admin.email).text_body
    event = AuditEvent.objects.get(action="problems.summary.sent")
    assert event.details == {"count": 1, "recipients": 2}


def test_sent_once_a_week_however_often_the_job_runs(maple: Practice, stuck: Client) -> None:
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert send_weekly_access_summaries() == 1
        assert send_weekly_access_summaries() == 0
    with time_machine.travel(MONDAY_9AM + timedelta(days=6, hours=22), tick=False):
        assert send_weekly_access_summaries() == 0  # Sunday night: still the same week
    with time_machine.travel(MONDAY_9AM + timedelta(days=7), tick=False):
        assert send_weekly_access_summaries() == 1
    assert len(summaries()) == 2


def test_a_second_process_that_read_the_state_before_the_claim_sends_nothing(
    maple: Practice, stuck: Client
) -> None:
    with time_machine.travel(MONDAY_9AM, tick=False):
        AccessSummaryState.objects.create(practice=maple)
        # The other process claimed the week between this one's check and its update.
        stale = AccessSummaryState.objects.get(practice=maple)
        AccessSummaryState.objects.filter(pk=stale.pk).update(last_sent_at=timezone.now())
        assert stale.last_sent_at is None
        assert send_access_summary(maple, timezone.now()) is False
    assert summaries() == []


def test_not_sent_before_monday_8_while_nobody_is_stuck_or_when_turned_off(
    maple: Practice, owner: User, casey: Client
) -> None:
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert send_weekly_access_summaries() == 0  # nobody stuck: checked again later
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    maple.weekly_access_summary = False
    maple.save(update_fields=["weekly_access_summary"])
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        assert send_weekly_access_summaries() == 0
    maple.weekly_access_summary = True
    maple.save(update_fields=["weekly_access_summary"])
    with time_machine.travel(MONDAY_9AM + timedelta(days=6), tick=False):
        assert send_weekly_access_summaries() == 1  # Sunday: this week's, late
    with time_machine.travel(MONDAY_9AM + timedelta(days=7) - timedelta(hours=2), tick=False):
        assert send_weekly_access_summaries() == 0  # Monday 7 AM: next week's not yet
    assert len(summaries()) == 1


def test_only_the_practice_with_someone_stuck_gets_one(
    maple: Practice, birch: Practice, stuck: Client
) -> None:
    with time_machine.travel(MONDAY_9AM, tick=False):
        assert send_weekly_access_summaries() == 1
    assert {e.practice_id for e in summaries()} == {maple.pk}


def test_the_periodic_command_sends_it(maple: Practice, stuck: Client) -> None:
    with time_machine.travel(MONDAY_9AM, tick=False):
        call_command("periodic", "--once", verbosity=0)
    assert len(summaries()) == 1


def test_a_practice_with_many_stuck_says_people(maple: Practice, owner: User) -> None:
    for number in range(3):
        client = make_client(maple, owner, f"C{number}", "P", emails=(f"c{number}@example.com",))
        link = send_invite(client, by=by(owner)).link
        OutboundEmail.objects.filter(link=link).update(status=EmailStatus.COMPLAINED)
    with time_machine.travel(MONDAY_9AM, tick=False):
        send_weekly_access_summaries()
    assert "3 people cannot sign in" in summaries()[0].subject
