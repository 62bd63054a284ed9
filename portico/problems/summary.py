"""The weekly access summary: "7 people cannot sign in; see Access problems", to owners and
administrators, every Monday morning in the practice's time zone.

No health information and no names: the number and a link to the page (staff sign in
to see who). Sent by ``manage.py periodic`` (hourly): a practice's week is claimed with
a conditional update of ``AccessSummaryState.last_sent_at``, so two periodic processes
never both send it. Skipped (and checked again next hour) while nobody is stuck;
never sent when the practice turned ``weekly_access_summary`` off.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import npgettext, pgettext

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.lib.localtime import local, practice_zone
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import queue_email
from portico.practices.models import Practice, Role
from portico.problems.counts import problem_count
from portico.problems.models import AccessSummaryState

SEND_FROM = time(8, 0)  # Monday, in the practice's time zone
RECIPIENT_ROLES = (Role.OWNER, Role.ADMIN)


def week_start(practice: Practice, at: datetime) -> datetime:
    """The latest Monday 08:00 (the practice's time) at or before ``at``."""
    today = local(practice, at).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, SEND_FROM, tzinfo=practice_zone(practice))
    return start if start <= at else start - timedelta(days=7)


def people(count: int) -> str:
    return npgettext("staff", "%(count)d person", "%(count)d people", count) % {"count": count}


def _recipients(practice: Practice) -> list[User]:
    return list(
        User.objects.filter(
            practice=practice,
            membership__practice=practice,
            membership__role__in=RECIPIENT_ROLES,
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def send_access_summary(practice: Practice, at: datetime) -> bool:
    """Queue this week's summary to the practice's owners and admins if due; True if sent."""
    if not practice.weekly_access_summary:
        return False
    start = week_start(practice, at)
    state, _ = AccessSummaryState.objects.get_or_create(practice=practice)
    if state.last_sent_at is not None and state.last_sent_at >= start:
        return False  # this week's went already (a cheap check before the derivation)
    count = problem_count(practice, at)
    recipients = _recipients(practice)
    if not count or not recipients:
        return False
    with transaction.atomic():
        claimed = (
            AccessSummaryState.objects.filter(pk=state.pk)
            .filter(Q(last_sent_at=None) | Q(last_sent_at__lt=start))
            .update(last_sent_at=at)
        )
        if not claimed:
            return False  # another periodic process sent it meanwhile
        link = practice_url(practice, "problems:list")
        for user in recipients:
            queue_email(
                practice=practice,
                kind=EmailKind.ACCESS_SUMMARY,
                to=user.email,
                context={
                    # "Hello there," when the staff member has no first name.
                    "greeting_name": user.first_name or pgettext("staff", "there"),
                    "problem_count": people(count),
                    "link": link,
                },
                language="en",  # staff emails are English for now
            )
        record(
            Action.ACCESS_SUMMARY_SENT,
            practice=practice,
            actor=Actor.system(),
            details={"count": count, "recipients": len(recipients)},
        )
    return True


def send_weekly_access_summaries(at: datetime | None = None) -> int:
    """Every practice's summary that is due (for ``manage.py periodic``); how many went."""
    at = at or timezone.now()
    practices = Practice.objects.filter(weekly_access_summary=True).order_by("pk")
    return sum(send_access_summary(practice, at) for practice in practices)
