"""Sending outbox rows: claim, send, record, retry.

- Claiming is a conditional update (status queued/deferred and due → sending)
  inside a transaction that locks the rows with SKIP LOCKED on PostgreSQL, so two
  workers never send the same row.
- The row being delivered is sent together with other due rows on one
  connection (a batch), which keeps per-email overhead near raw SMTP.
- A failure is retried with exponential backoff and jitter, then "failed".
- Every send of a row carries the row's Message-ID, so a repeat is recognisable.
- Rows stuck in "sending" (a worker killed mid-send) and rows whose task was lost
  are picked up by ``recover_stuck_emails`` (``manage.py deliver_pending``).
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
from django.db.models import Q
from django.utils import timezone

from portico.mail.models import EmailStatus, OutboundEmail
from portico.mail.outbox import from_address, reply_to

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
BATCH_SIZE = 50
# Sent emails are recorded in groups of this many (one commit per group).
RECORD_EVERY = 10
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


def claim_emails(email_id: int, *, batch_size: int = BATCH_SIZE) -> list[OutboundEmail]:
    """Claim ``email_id`` (if due) and up to ``batch_size - 1`` other due rows."""
    now = timezone.now()
    # Most tasks find their row already sent in an earlier batch: a plain read
    # answers that without taking the write lock.
    if not OutboundEmail.objects.filter(_due(now), pk=email_id).exists():
        return []
    with transaction.atomic():
        due = OutboundEmail.objects.filter(_due(now)).select_for_update(skip_locked=True)
        ids = list(due.filter(pk=email_id).values_list("pk", flat=True))
        if not ids:
            return []
        if batch_size > 1:
            others = due.exclude(pk=email_id).order_by("next_attempt_at", "pk")
            ids += list(others.values_list("pk", flat=True)[: batch_size - 1])
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
        for email, message in sent:
            record_success(email, message, delivered=delivered)
    sent.clear()


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 (closing a broken connection may fail too)
        logger.debug("closing the mail connection failed", exc_info=True)


def record_success(email: OutboundEmail, message: Any, *, delivered: bool) -> None:
    now = timezone.now()
    status = getattr(message, "anymail_status", None)
    changes: dict[str, Any] = {
        "status": EmailStatus.DELIVERED if delivered else EmailStatus.SENT,
        "status_changed_at": now,
        "sent_at": now,
        "attempts": email.attempts + 1,
        "next_attempt_at": None,
        "last_error": "",
        "status_detail": "",
        "provider_message_id": (getattr(status, "message_id", None) or "")[:200],
    }
    if delivered:
        changes["delivered_at"] = now
    if email.holds_link:
        # The link must not stay readable in our database once it is on its way.
        changes.update(text_body="", html_body="", body_purged_at=now)
    OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(**changes)


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
    from portico.mail.tasks import deliver_email

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
        deliver_email.using(run_after=retry_at).enqueue(email.pk)


def recover_stuck_emails(
    *, stuck_after: timedelta = STUCK_AFTER, lost_after: timedelta = LOST_AFTER
) -> int:
    """Give emails back to the queue whose worker died or whose task was lost.

    A re-send keeps the row's Message-ID, so a receiver can recognise a repeat.
    An extra task for a row that still has one is harmless: only one claims it.
    """
    from portico.mail.tasks import deliver_email

    now = timezone.now()
    with transaction.atomic():
        stuck = list(
            OutboundEmail.objects.filter(
                status=EmailStatus.SENDING, status_changed_at__lt=now - stuck_after
            ).values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=stuck, status=EmailStatus.SENDING).update(
            status=EmailStatus.QUEUED, status_changed_at=now, next_attempt_at=now
        )
        lost = list(
            OutboundEmail.objects.filter(
                status__in=CLAIMABLE, next_attempt_at__lt=now - lost_after
            ).values_list("pk", flat=True)
        )
        for email_id in [*stuck, *lost]:
            deliver_email.enqueue(email_id)
    if stuck or lost:
        logger.info("Outbox sweep: %s stuck and %s waiting emails re-queued", len(stuck), len(lost))
    return len(stuck) + len(lost)
