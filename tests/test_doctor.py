"""manage.py doctor: one plain sentence per problem, and a non-zero exit when there is one."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.cast import by
from tests.mail.conftest import SmtpServer, free_port


def doctor() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("doctor", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


@pytest.fixture(autouse=True)
def _development_email_and_a_recent_periodic(settings: LazySettings, db: None) -> None:
    settings.DEBUG = True  # the local mailbox is a way to send email in development
    call_command("periodic", "--once", verbosity=0)


def test_a_healthy_installation_says_so_and_exits_zero() -> None:
    report, ok = doctor()
    assert ok, report
    assert "✓ database" in report and "✓ outbox" in report
    assert "Everything looks fine." in report


def test_recurring_jobs_silent_for_more_than_five_minutes_are_reported() -> None:
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        report, ok = doctor()
    assert not ok
    assert "`manage.py periodic` last ran 6 minutes ago" in report


def test_an_email_waiting_more_than_fifteen_minutes_is_reported(
    maple: Practice, owner: User, casey: Client
) -> None:
    from portico.access.actions import send_invite

    send_invite(casey, by=by(owner))
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    report, ok = doctor()
    assert not ok
    assert "1 email(s) have waited in the outbox for more than 15 minutes" in report
    assert "(the oldest 16 minutes)" in report


def test_a_task_nobody_runs_is_reported() -> None:
    from django_tasks_db.models import DBTaskResult

    from portico.portal.tasks import summarize_refusals

    summarize_refusals.enqueue(
        practice_id=0,
        action="x",
        scope="ip",
        cache_key="k",
        window_start=0,
        ip=None,
        user_agent="",
        label="",
    )
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=6))
    report, ok = doctor()
    assert not ok
    assert "1 background task(s) have been ready for more than 5 minutes" in report
    assert "db_worker" in report


def test_an_smtp_server_that_does_not_answer_is_reported(settings: LazySettings) -> None:
    settings.EMAIL_URL = f"smtp://127.0.0.1:{free_port()}"
    report, ok = doctor()
    assert not ok
    assert "does not accept us" in report


def test_an_smtp_server_that_answers_passes(settings: LazySettings) -> None:
    server = SmtpServer(free_port())
    server.start()
    try:
        settings.EMAIL_URL = f"smtp://127.0.0.1:{server.port}"
        report, ok = doctor()
    finally:
        server.stop()
    assert ok, report


def test_production_without_a_way_to_send_email_is_reported(settings: LazySettings) -> None:
    settings.DEBUG = False
    settings.EMAIL_URL = ""
    settings.EMAIL_SERVICE = ""
    settings.LOCAL_MAILBOX_STAFF_ONLY = False
    report, ok = doctor()
    assert not ok
    assert "No way to send email: set EMAIL_URL or PORTICO_EMAIL_SERVICE." in report


def test_an_email_service_without_its_webhook_secret_is_reported(settings: LazySettings) -> None:
    settings.EMAIL_SERVICE = "postmark"
    settings.ANYMAIL = {}
    report, ok = doctor()
    assert not ok
    assert "PORTICO_WEBHOOK_SECRET is not set" in report


@pytest.mark.usefixtures("redis_down")
def test_redis_that_cannot_be_reached_is_reported_though_the_database_stands_in() -> None:
    report, ok = doctor()
    assert not ok
    assert "Redis (REDIS_URL) cannot be reached" in report
