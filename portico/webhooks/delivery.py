"""Sending webhook deliveries: claim, sign, POST, record, retry.

- Claiming is a conditional update (waiting and due → sending) inside a
  transaction that locks the rows with SKIP LOCKED on PostgreSQL, so two workers
  never send the same delivery (the outbox's pattern, portico/mail/delivery.py).
- The first claim fills the access and email states into the payload
  (``portico.webhooks.states``); every attempt then sends the same body.
- Each attempt is signed afresh (Standard Webhooks: the timestamp is the time of
  the attempt, so a receiver's replay window accepts a retry made hours later);
  the webhook-id stays the same, so a receiver recognises a repeat.
- A 2xx answer is delivered. Anything else (another status, a redirect, a refused
  connection, no answer within ``TIMEOUT`` seconds) is retried with exponential
  backoff and jitter until ``RETRY_FOR`` after the event; the last attempt is made
  at that moment and, if it fails too, the delivery is failed.
- Deliveries stuck in "sending" (a worker killed mid-send) or whose task was lost
  are given back by ``recover_stuck_webhooks`` (``manage.py periodic``).

The standard library's ``urllib.request`` sends them: one POST with a timeout and
no redirects is all that is needed, and it adds no dependency (``requests`` would
bring four packages for the same twenty lines).
"""

from __future__ import annotations

import json
import logging
import random
import socket
import ssl
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portico.webhooks.addresses import resolved_address_problem
from portico.webhooks.models import DeliveryStatus, WebhookDelivery
from portico.webhooks.queue import ensure_delivery_task
from portico.webhooks.signing import headers
from portico.webhooks.states import fill_states

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for one attempt
RETRY_FOR = timedelta(hours=24)
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=3)
BATCH_SIZE = 20
# A delivery in "sending" for longer than this was left by a worker that died.
STUCK_AFTER = timedelta(minutes=10)
# A due delivery older than this has lost its task: enqueue one again.
LOST_AFTER = timedelta(minutes=2)
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
# Read at most this much of an answer (it is not kept; reading lets the connection end cleanly).
MAX_ANSWER = 64 * 1024
USER_AGENT = "Portico-Webhooks/1"


def retry_delay(attempts: int) -> timedelta:
    """30 s × 2^(attempts-1), ± 20 % jitter, capped at three hours."""
    delay = min(BASE_DELAY * (1 << min(max(attempts - 1, 0), 16)), MAX_DELAY)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not a secret)


def _due(now: datetime) -> Q:
    return Q(status__in=WAITING, next_attempt_at__lte=now)


def claim_deliveries(*, batch_size: int = BATCH_SIZE) -> list[WebhookDelivery]:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(_due(now))
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return []
        # The condition is repeated: on SQLite (no row locks) the write lock taken
        # at BEGIN IMMEDIATE is what makes this exclusive.
        WebhookDelivery.objects.filter(_due(now), pk__in=ids).update(
            status=DeliveryStatus.SENDING, status_changed_at=now
        )
        claimed = list(
            WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING)
            .select_related("endpoint")
            .order_by("pk")
        )
    # The rows are ours now ("sending"): read the states outside the claim's write lock.
    fill_states(claimed)
    return claimed


def deliver_due_webhooks(*, batch_size: int = BATCH_SIZE) -> str:
    """Send one batch of due deliveries; leave a task for the next batch if there may be more."""
    deliveries = claim_deliveries(batch_size=batch_size)
    if len(deliveries) == batch_size:
        with transaction.atomic():
            ensure_delivery_task()
    for delivery in deliveries:
        send(delivery)
    return f"sent {len(deliveries)} webhook deliveries" if deliveries else "nothing to send"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to POST the event to."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def send(delivery: WebhookDelivery) -> None:
    """One attempt: POST the signed payload and record what happened."""
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        _record(delivery, None, "Not sent: the endpoint was turned off.", final=True)
        return
    problem = resolved_address_problem(endpoint.url)
    if problem:
        _record(delivery, None, problem)
        return
    body = body_of(delivery)
    signed = headers(
        endpoint.secret,
        message_id=delivery.event_id,
        timestamp=int(timezone.now().timestamp()),
        body=body,
    )
    request = urllib.request.Request(  # noqa: S310 (https checked on save, its address just now)
        endpoint.url,
        data=body,
        method="POST",
        headers=signed | {"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            response.read(MAX_ANSWER)
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        _record(delivery, exc.code, _http_error(exc.code, exc.reason))
        return
    except (urllib.error.URLError, OSError, ValueError) as exc:
        _record(delivery, None, describe_error(exc))
        return
    if 200 <= status < 300:
        _record_delivered(delivery, status)
    else:  # 1xx and 3xx that urllib hands back
        _record(delivery, status, _http_error(status, ""))


def _http_error(code: int, reason: object) -> str:
    if 300 <= code < 400:
        return f"HTTP {code}: redirects are not followed; register the final address."
    words = str(reason or "").strip()
    return f"HTTP {code}" + (f" {words}" if words else "")


def describe_error(exc: BaseException) -> str:
    """The failure in a few plain words (what staff see in the delivery log)."""
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return "Connection refused: nothing is listening at that address."
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"No answer within {TIMEOUT} seconds."
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"The server's TLS certificate was not accepted: {reason.verify_message}."[:300]
    if isinstance(reason, ssl.SSLError):
        return "The TLS connection failed."
    if isinstance(reason, socket.gaierror):
        return "The host name could not be found."
    if isinstance(reason, ConnectionResetError):
        return "The server closed the connection."
    return f"{type(reason).__name__}: {reason}"[:300]


def _record_delivered(delivery: WebhookDelivery, status: int) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.DELIVERED,
        status_changed_at=now,
        delivered_at=now,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        last_status_code=status,
        last_error="",
    )


def _record(
    delivery: WebhookDelivery, status: int | None, error: str, *, final: bool = False
) -> None:
    """A failed attempt: retry later, or fail when the retry window has passed."""
    from portico.webhooks.tasks import deliver_webhooks

    now = timezone.now()
    attempts = delivery.attempts + 1
    deadline = delivery.created_at + RETRY_FOR
    logger.warning("Webhook delivery %s attempt %s failed: %s", delivery.pk, attempts, error)
    changes: dict[str, Any] = {
        "status_changed_at": now,
        "attempts": attempts,
        "last_status_code": status,
        "last_error": error[:300],
    }
    with transaction.atomic():
        if final or now >= deadline:
            WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.FAILED, next_attempt_at=None, **changes
            )
            return
        # The last attempt is made when the window closes, not skipped.
        retry_at = min(now + retry_delay(attempts), deadline)
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.RETRYING, next_attempt_at=retry_at, **changes
        )
        deliver_webhooks.using(run_after=retry_at).enqueue()


def recover_stuck_webhooks(
    *, stuck_after: timedelta = STUCK_AFTER, lost_after: timedelta = LOST_AFTER
) -> int:
    """Give back deliveries whose worker died, and wake the queue if due ones wait."""
    now = timezone.now()
    with transaction.atomic():
        stuck = WebhookDelivery.objects.filter(
            status=DeliveryStatus.SENDING, status_changed_at__lt=now - stuck_after
        ).update(status=DeliveryStatus.RETRYING, status_changed_at=now, next_attempt_at=now)
        waiting = WebhookDelivery.objects.filter(
            status__in=WAITING, next_attempt_at__lt=now - lost_after
        ).count()
        if stuck or waiting:
            ensure_delivery_task()
    if stuck or waiting:
        logger.info("Webhook sweep: %s stuck and %s waiting deliveries re-queued", stuck, waiting)
    return stuck + waiting
