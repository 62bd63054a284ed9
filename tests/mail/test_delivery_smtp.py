"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from email.message import Message

import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.clients.models import Client
from portico.mail.delivery import BATCH_SIZE, MAX_ATTEMPTS, recover_stuck_emails
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.mail.conftest import SmtpServer, run_worker


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _queue(practice: Practice, client: Client, n: int = 1) -> list[OutboundEmail]:
    with transaction.atomic():
        return [
            queue_email(
                practice=practice,
                kind=EmailKind.INVITE,
                to=f"casey+{i}@example.com",
                context={
                    "greeting_name": client.greeting_name,
                    "link": f"https://maple.example/accept/token{i}",
                    "link_expires": timezone.now() + timedelta(hours=48),
                },
                client=client,
            )
            for i in range(n)
        ]


def test_an_email_arrives_with_both_parts_and_the_right_headers(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    maple.reply_to = "desk@maple.test"
    maple.save(update_fields=["reply_to"])
    [email] = _queue(maple, casey)
    run_worker()
    [received] = [m for m in smtp_server.inbox.messages if m["Message-ID"] == email.message_id]
    assert received["To"] == "casey+0@example.com"
    assert received["From"] == "Maple Counseling <no-reply@portico.localhost>"
    assert received["Reply-To"] == "desk@maple.test"
    assert "Maple Counseling" in received["Subject"]
    parts = {part.get_content_type(): part for part in received.walk()}
    assert "https://maple.example/accept/token0" in _text(parts["text/plain"])
    assert 'href="https://maple.example/accept/token0"' in _text(parts["text/html"])
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None


def test_a_body_holding_a_link_is_purged_once_sent(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    [email] = _queue(maple, casey)
    OutboundEmail.objects.filter(pk=email.pk).update(holds_link=True)
    run_worker()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.text_body == "" and email.html_body == ""
    assert email.body_purged_at is not None
    assert email.subject and email.to_address == "casey+0@example.com"


def test_with_the_server_down_emails_wait_and_all_arrive_once_it_is_back(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    emails = _queue(maple, casey, 5)
    run_worker()
    for email in emails:
        email.refresh_from_db()
        assert email.status == EmailStatus.DEFERRED
        assert email.attempts == 1
        assert "connect" in email.last_error.lower()
        assert email.next_attempt_at is not None

    # Still down on the second try.
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        run_worker()
    assert {e.attempts for e in OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])} == {2}

    smtp_server.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True):
        run_worker()
    counts = Counter(smtp_server.inbox.message_ids())
    assert {e.message_id for e in emails} == set(counts)
    assert set(counts.values()) == {1}, "an email arrived twice"
    assert set(
        OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).values_list("status", flat=True)
    ) == {EmailStatus.SENT}


def test_an_email_fails_after_the_last_attempt_with_the_reason(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    [email] = _queue(maple, casey)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=True):
            run_worker()
        moment += timedelta(hours=3)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert "connection refused" in email.last_error


def test_an_email_left_sending_by_a_dead_worker_is_sent_again_with_the_same_message_id(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    [email] = _queue(maple, casey)
    # A worker claimed it, then died: the row is "sending" and its task is gone.
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING)
    run_worker()
    assert smtp_server.inbox.messages == []
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=True):
        assert recover_stuck_emails() == 1
        run_worker()
    assert smtp_server.inbox.message_ids() == [email.message_id]


def test_more_emails_than_a_batch_all_arrive_once_through_follow_up_tasks(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    emails = _queue(maple, casey, BATCH_SIZE + 7)
    run_worker()
    counts = Counter(smtp_server.inbox.message_ids())
    assert set(counts) == {e.message_id for e in emails}
    assert set(counts.values()) == {1}
    assert not OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists()


def test_the_sweep_wakes_emails_whose_task_was_lost(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    [email] = _queue(maple, casey)
    DBTaskResult.objects.all().delete()  # the task is gone (say, deleted by an operator)
    run_worker()
    assert smtp_server.inbox.messages == []
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=True):
        assert recover_stuck_emails() == 1
        run_worker()
    assert smtp_server.inbox.message_ids() == [email.message_id]
