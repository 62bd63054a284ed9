"""``Idempotency-Key`` on POST: a retried request gets the first answer, never a second write.

``idempotent(request, run)`` inserts the key's row first, inside the transaction
that does the write: a concurrent duplicate blocks on the unique index until the
first commits, then replays the stored answer (or, if the first rolled back,
runs). The same key with a different request is refused (422). Rows are kept
``KEEP`` and then deleted by ``periodic``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from portico.api.auth import api_key
from portico.api.models import IdempotentRequest
from portico.api.problems import ApiProblem

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Location", "Retry-After")


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        row.response_body,
        status=row.status_code,
        content_type=row.response_headers.get("Content-Type", "application/json"),
    )
    for name in REPLAYED_HEADERS:
        if name in row.response_headers:
            response[name] = row.response_headers[name]
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request: HttpRequest, run: Callable[[], HttpResponse]) -> HttpResponse:
    """``run()`` once per (key, Idempotency-Key); its answer replayed to every retry."""
    header = request.headers.get(HEADER, "").strip()
    if not header:
        return run()
    if len(header) > MAX_KEY_LENGTH:
        raise ApiProblem(
            400, f"An {HEADER} has at most {MAX_KEY_LENGTH} characters.", slug="idempotency-key"
        )
    key = api_key(request)
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(
                    practice_id=key.practice_id,
                    api_key=key,
                    key=header,
                    fingerprint=fingerprint,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            first = IdempotentRequest.objects.get(api_key=key, key=header)
            if first.fingerprint != fingerprint:
                raise ApiProblem(
                    422,
                    f"This {HEADER} was used for a different request. Use a new key for a "
                    "new request.",
                    slug="idempotency-key-reused",
                ) from None
            return _replay(first)
        response = run()
        if response.status_code >= 500:
            return response
        headers = {"Content-Type": response["Content-Type"]}
        headers |= {name: response[name] for name in REPLAYED_HEADERS if name in response}
        row.status_code = response.status_code
        row.response_body = response.content.decode()
        row.response_headers = headers
        row.save(update_fields=["status_code", "response_body", "response_headers"])
        return response


def forget_old_requests() -> int:
    """Delete the stored answers older than ``KEEP``; how many."""
    cutoff = timezone.now() - KEEP
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
