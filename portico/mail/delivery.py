"""Sending outbox rows: claim, send, record, retry.

- Claiming is a conditional update (status queued/deferred and due → sending)
  inside a transaction that locks the rows with SKIP LOCKED on PostgreSQL, so two
  workers never send the same row.
- One task sends a batch of due rows on one connection and, when the batch was
  full, leaves a task for the next one: the task queue's own cost (two write
  transactions per task) is paid per batch, not per email.
- A failure is retried with exponential backoff and jitter, then "failed".
- Every send of a row carries the row's Message-ID, so a repeat is recognisable.
- Rows stuck in "sending" (a worker killed mid-send) and rows whose task was lost
  are picked up by ``recover_stuck_emails`` (``manage.py deliver_pending``).
- Each sent row is recorded (committed) as soon as the server accepted it: a worker
  killed between the server's "250" and that commit — a few milliseconds — leaves
  that one row in "sending", which the sweep sends again with the same Message-ID,
  so a repeat is rare and recognisable. (Recording in groups of 10 was tried: a
  killed worker then re-sent up to 9 emails, seen in every fault run of tests/stack.)
"""

from __future__ import annotations

import logging
import random
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portico.mail.models import EmailStatus, OutboundEmail
from portico.mail.outbox import ensure_delivery_task, from_address, reply_to

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
BATCH_SIZE = 50
# Sent emails are recorded this many to a commit: one, so a killed worker repeats none
# it had finished (tests/stack kills one mid-batch and counts Message-IDs).
RECORD_EVERY = 1
# A row in "sending" for longer than this was left by a worker that died.
STUCK_AFTER = timedelta(minutes=5)
# A due row older than this has lost its task (or its worker): enqueue it again.
LOST_AFTER = timedelta(minutes=2)
CLAIMABLE = (EmailStatus.QUEUED, EmailStatus.DEFERRED)


def retry_delay(attempts: int) -> timedelta:
    """30 s × 2^(attempts-1), ± 20 % jitter, capped at two hours."""
    delay = min(BASE_DELAY * (1 << min(max(attempts - 1, 0), 16)), MAX_DELAY)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not a secret)


def _due(now: datetime) -> Q:
    # A row without next_attempt_at (delayed by an email service) is not ours to retry.
    return Q(status__in=CLAIMABLE, next_attempt_at__lte=now)


def claim_emails(
    email_id: int | None = None, *, batch_size: int = BATCH_SIZE
) -> list[OutboundEmail]:
    """Claim up to ``batch_size`` due rows (``email_id`` first, when given and due).

    Rows are locked with SKIP LOCKED on PostgreSQL, and the update repeats the
    "due" condition, so each row is claimed by exactly one worker.
    """
    now = timezone.now()
    # A task for one row often finds it already sent in an earlier batch: a plain
    # read answers that without taking the write lock.
    if email_id is not None and not OutboundEmail.objects.filter(_due(now), pk=email_id).exists():
        return []
    with transaction.atomic():
        due = OutboundEmail.objects.filter(_due(now)).select_for_update(skip_locked=True)
        ids: list[int] = []
        if email_id is not None:
            ids = list(due.filter(pk=email_id).values_list("pk", flat=True))
            if not ids:
                return []
        if batch_size > len(ids):
            others = due.exclude(pk__in=ids).order_by("next_attempt_at", "pk")
            ids += list(others.values_list("pk", flat=True)[: batch_size - len(ids)])
        if not ids:
            return []
        # The status condition is repeated: on SQLite (no row locks) the write
        # lock taken at BEGIN IMMEDIATE is what makes this exclusive.
        OutboundEmail.objects.filter(_due(now), pk__in=ids).update(
            status=EmailStatus.SENDING, status_changed_at=now
        )
        return list(
            OutboundEmail.objects.filter(pk__in=ids, status=EmailStatus.SENDING)
            .select_related("practice")
            .order_by("pk")
        )


def build_message(email: OutboundEmail, *, connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=from_address(email.practice),
        to=[email.to_address],
        reply_to=reply_to(email.practice),
        headers={"Message-ID": email.message_id},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    # Email services (anymail) echo metadata back in tracking webhooks: it finds the row.
    setattr(message, "metadata", {"portico_email": str(email.pk)})  # noqa: B010
    return message


def deliver_due_emails(*, batch_size: int = BATCH_SIZE) -> str:
    """Send one batch of due emails; leave a task for the next batch if there may be more.

    The follow-up task is enqueued before sending, so another worker can take the
    next batch while this one sends.
    """
    emails = claim_emails(batch_size=batch_size)
    if len(emails) == batch_size:
        with transaction.atomic():
            ensure_delivery_task()
    if not emails:
        return "nothing to send"
    send_claimed(emails)
    return f"sent batch of {len(emails)}"


def send_outbound_email(email_id: int) -> str:
    """Deliver one outbox row (and other due rows on the same connection)."""
    emails = claim_emails(email_id)
    if not emails:
        return "nothing to send"
    send_claimed(emails)
    return f"sent batch of {len(emails)}"


def send_claimed(emails: Iterable[OutboundEmail]) -> None:
    connection = mailers.default
    final = bool(getattr(connection, "delivers_immediately", False))
    opened = False
    sent: list[tuple[OutboundEmail, Any]] = []
    try:
        for email in emails:
            try:
                if not opened:
                    connection.open()
                    opened = True
                message = build_message(email, connection=connection)
                if connection.send_messages([message]) != 1:
                    raise smtplib.SMTPException("the server did not accept the message")
            except Exception as exc:  # noqa: BLE001 (any failure is retried, then reported)
                record_failure(email, exc)
                if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                    # The connection is gone: reopen it for the next email.
                    _close(connection)
                    opened = False
                continue
            sent.append((email, message))
            if len(sent) >= RECORD_EVERY:
                _record_sent(sent, delivered=final)
    finally:
        if opened:
            _close(connection)
        _record_sent(sent, delivered=final)


def _record_sent(sent: list[tuple[OutboundEmail, Any]], *, delivered: bool) -> None:
    """Record sent emails in one transaction (one commit, not one per email).

    A worker killed before this leaves them in "sending"; the sweep sends them
    again with the same Message-ID (at-least-once, and a repeat is recognisable).
    """
    if not sent:
        return
    with transaction.atomic():
        record_success([email for email, _ in sent], delivered=delivered)
        # Email services answer with their own id, which finds the row for their webhooks.
        for email, message in sent:
            provider_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
            if provider_id:
                OutboundEmail.objects.filter(pk=email.pk).update(
                    provider_message_id=str(provider_id)[:200]
                )
    sent.clear()


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 (closing a broken connection may fail too)
        logger.debug("closing the mail connection failed", exc_info=True)


def record_success(emails: list[OutboundEmail], *, delivered: bool) -> None:
    """Mark claimed rows sent (or delivered), with one UPDATE for the lot."""
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": EmailStatus.DELIVERED if delivered else EmailStatus.SENT,
        "status_changed_at": now,
        "sent_at": now,
        "attempts": F("attempts") + 1,
        "next_attempt_at": None,
        "last_error": "",
        "status_detail": "",
    }
    if delivered:
        changes["delivered_at"] = now
    OutboundEmail.objects.filter(
        pk__in=[email.pk for email in emails], status=EmailStatus.SENDING
    ).update(**changes)
    # The link must not stay readable in our database once it is on its way.
    with_links = [email.pk for email in emails if email.holds_link]
    if with_links:
        OutboundEmail.objects.filter(
            pk__in=with_links, status=changes["status"], sent_at=now
        ).update(text_body="", html_body="", body_purged_at=now)


def describe_error(exc: BaseException) -> str:
    """The failure in plain words, without secrets (no credentials ever reach an exception)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [
            f"{code} {reason.decode(errors='replace')}" for code, reason in exc.recipients.values()
        ]
        return f"The receiving server refused the address: {'; '.join(codes)}"[:500]
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server did not accept Portico's user name and password."
    if isinstance(exc, ConnectionRefusedError | smtplib.SMTPConnectError):
        return "Could not connect to the mail server (connection refused)."
    if isinstance(exc, TimeoutError):
        return "The mail server did not answer in time."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection."
    return f"{type(exc).__name__}: {exc}"[:500]


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return False


def record_failure(email: OutboundEmail, exc: BaseException) -> None:
    from portico.mail.tasks import deliver_outbox

    now = timezone.now()
    attempts = email.attempts + 1
    error = describe_error(exc)
    logger.warning("Email %s attempt %s failed: %s", email.pk, attempts, error)
    with transaction.atomic():
        if attempts >= MAX_ATTEMPTS or _is_permanent(exc):
            OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
                status=EmailStatus.FAILED,
                status_changed_at=now,
                attempts=attempts,
                next_attempt_at=None,
                last_error=error,
                status_detail=error,
            )
            return
        retry_at = now + retry_delay(attempts)
        OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
            status=EmailStatus.DEFERRED,
            status_changed_at=now,
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=error,
            status_detail="",
        )
        deliver_outbox.using(run_after=retry_at).enqueue()


def recover_stuck_emails(
    *, stuck_after: timedelta = STUCK_AFTER, lost_after: timedelta = LOST_AFTER
) -> int:
    """Give emails back to the queue whose worker died, and wake the queue if it waits.

    A re-send keeps the row's Message-ID, so a receiver can recognise a repeat.
    Returns how many emails were stuck or waiting past ``lost_after``.
    """
    now = timezone.now()
    with transaction.atomic():
        stuck = OutboundEmail.objects.filter(
            status=EmailStatus.SENDING, status_changed_at__lt=now - stuck_after
        ).update(status=EmailStatus.QUEUED, status_changed_at=now, next_attempt_at=now)
        waiting = OutboundEmail.objects.filter(
            status__in=CLAIMABLE, next_attempt_at__lt=now - lost_after
        ).count()
        if stuck or waiting:
            ensure_delivery_task()
    if stuck or waiting:
        logger.info("Outbox sweep: %s stuck and %s waiting emails re-queued", stuck, waiting)
    return stuck + waiting
