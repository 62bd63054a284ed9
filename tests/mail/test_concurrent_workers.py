"""On PostgreSQL, workers claiming from the same queue at the same time never send a row twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from portico.clients.models import Client
from portico.mail.delivery import deliver_due_emails
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.mail.conftest import SmtpServer

WORKERS = 4
EMAILS = 240


def _worker(start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        # Small batches, so the workers meet many times on the same rows.
        while deliver_due_emails(batch_size=5) != "nothing to send":
            pass
    except BaseException as exc:  # noqa: BLE001 (reported by the test)
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.postgres  # SQLite has one writer, so workers cannot race
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_row_twice(
    maple: Practice, casey: Client, smtp_server: SmtpServer
) -> None:
    with transaction.atomic():
        emails = [
            queue_email(
                practice=maple,
                kind=EmailKind.INVITE,
                to=f"casey+{i}@example.com",
                context={
                    "greeting_name": casey.greeting_name,
                    "link": f"https://maple.example/accept/token{i}",
                    "link_expires": timezone.now() + timedelta(hours=48),
                },
                client=casey,
            )
            for i in range(EMAILS)
        ]
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_worker, args=(start, errors)) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    counts = Counter(smtp_server.inbox.message_ids())
    assert set(counts) == {email.message_id for email in emails}
    assert [mid for mid, n in counts.items() if n > 1] == [], "a row was sent twice"
    statuses = OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).values_list(
        "status", flat=True
    )
    assert set(statuses) == {EmailStatus.SENT}
