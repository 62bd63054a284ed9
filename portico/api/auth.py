"""Who is calling: the practice's API key in ``Authorization: Bearer <key>``.

Checked before the body is read: the body size limit (413), the key (401 when
unknown, expired or revoked; 404 for a key of another practice, as for any of
its objects), then the key's rate limit (429, ``RATE_LIMITS["api"]``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from portico.api.keys import is_usable, key_actor, key_for_secret, note_use
from portico.api.models import ApiKey
from portico.api.problems import ApiProblem
from portico.audit.actor import Actor, client_ip
from portico.lib.ratelimit import consume
from portico.practices.roles import Can, role_can

MAX_BODY_BYTES = 1024 * 1024


class ApiKeyAuth(HttpBearer):
    openapi_description = "The practice's API key: `Authorization: Bearer pk_live_…`"

    def __call__(self, request: HttpRequest) -> Any:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            raise ApiProblem(
                413,
                f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.",
                slug="too-large",
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = key_for_secret(token.strip())
        now = timezone.now()
        if key is None or not is_usable(key, now):
            return None
        practice = getattr(request, "practice", None)
        if practice is None or key.practice_id != practice.pk:
            raise ApiProblem(404, "Nothing was found at this address.", slug="not-found")
        verdict = consume("api", key=str(key.public_id))
        if not verdict.allowed:
            raise ApiProblem(
                429,
                f"This key made too many requests. Try again in {verdict.retry_after} seconds.",
                slug="rate-limited",
                headers={"Retry-After": str(verdict.retry_after)},
            )
        note_use(key, ip=client_ip(request), at=now)
        return key


def api_key(request: HttpRequest) -> ApiKey:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return key


def actor(request: HttpRequest) -> Actor:
    return key_actor(
        api_key(request),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def require(request: HttpRequest, capability: Can) -> ApiKey:
    """The calling key, if its role has ``capability``; else a 403 problem.

    Practice-wide operations answer 403; operations on an object look the object
    up first, so another practice's object is a 404 whatever the role.
    """
    key = api_key(request)
    if not role_can(key.role, capability):
        raise ApiProblem(
            403,
            f"This key's role ({key.get_role_display().lower()}) may not do this.",
            slug="forbidden",
        )
    return key
