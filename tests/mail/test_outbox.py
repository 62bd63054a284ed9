from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portico.clients.models import Client
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.outbox import from_address, queue_email, reply_to
from portico.mail.tasks import deliver_outbox
from portico.practices.models import Practice

EXPIRES = datetime(2026, 11, 22, 20, 5, tzinfo=UTC)


def _invite(practice: Practice, client: Client) -> OutboundEmail:
    return queue_email(
        practice=practice,
        kind=EmailKind.INVITE,
        to="casey@example.com",
        context={
            "greeting_name": client.greeting_name,
            "link": "https://maple.example/accept/abc",
            "link_expires": EXPIRES,
        },
        client=client,
    )


def test_queueing_an_email_writes_the_row_and_its_delivery_task(
    maple: Practice, casey: Client
) -> None:
    before = DBTaskResult.objects.count()
    with transaction.atomic():
        email = _invite(maple, casey)
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.message_id.startswith("<") and email.message_id.endswith(">")
    assert "Maple Counseling" in email.subject
    assert "Hello Casey," in email.text_body
    assert "https://maple.example/accept/abc" in email.text_body
    assert "Sunday, November 22 at 3:05 PM EST" in email.text_body
    assert 'href="https://maple.example/accept/abc"' in email.html_body
    assert "spam" in email.text_body
    assert DBTaskResult.objects.count() == before + 1
    assert _waiting_delivery_tasks() == 1


def _waiting_delivery_tasks() -> int:
    return DBTaskResult.objects.ready().filter(task_path=deliver_outbox.module_path).count()


def test_emails_queued_while_a_delivery_task_waits_share_it(maple: Practice, casey: Client) -> None:
    for _ in range(3):
        with transaction.atomic():
            _invite(maple, casey)
    assert _waiting_delivery_tasks() == 1


def test_a_rolled_back_change_leaves_no_email_and_no_task(maple: Practice, casey: Client) -> None:
    before = DBTaskResult.objects.count()
    emails_before = OutboundEmail.objects.count()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _invite(maple, casey)
        raise Undo
    assert OutboundEmail.objects.count() == emails_before
    assert DBTaskResult.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused(maple: Practice, casey: Client) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        _invite(maple, casey)


def test_the_sender_is_the_practice_name_at_the_operators_address(maple: Practice) -> None:
    maple.reply_to = "desk@maple.test"
    assert from_address(maple) == "Maple Counseling <no-reply@portico.localhost>"
    assert reply_to(maple) == ["desk@maple.test"]
