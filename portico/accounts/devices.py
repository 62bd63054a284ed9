"""Trusted devices: a browser that signed in to an account before (OWASP "device cookies").

After a successful sign-in the browser gets a cookie naming that account: a signed
list of entries ``{account id, practice id, random nonce, issued at}``, newest first.
Nobody can forge or guess one (Django signing with the SECRET_KEY; a 128-bit nonce),
and it is HttpOnly, SameSite=Lax and Secure on an https installation.

An attempt from a browser whose cookie names the account is not held back by the
identifier's back-off (the owner signs in while someone hammers their address),
but each entry has its own small failure allowance (the "trusted_device" back-off,
keyed on its nonce): a stolen cookie buys five guesses a day, no more.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from portico.accounts.models import User
from portico.lib.ratelimit import backoff_hold

DEVICE_COOKIE = "portico_devices"
DEVICE_BACKOFF = "trusted_device"
_SALT = "portico.accounts.devices"
# A browser shared by a family remembers each person; the oldest entries drop off.
MAX_ENTRIES = 8
DEVICE_LIFETIME = 180 * 24 * 3600  # seconds; signing in again renews the entry


@dataclass(frozen=True)
class TrustedDevice:
    user: User
    nonce: str  # the key of this entry's own failure allowance


def _entries(request: HttpRequest) -> list[dict[str, Any]]:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=DEVICE_LIFETIME)
    except signing.BadSignature:  # tampered, expired or from another installation
        return []
    if not isinstance(value, list):
        return []
    oldest = time.time() - DEVICE_LIFETIME
    return [
        entry
        for entry in value
        if isinstance(entry, dict)
        and isinstance(entry.get("u"), int)
        and isinstance(entry.get("p"), int)
        and isinstance(entry.get("n"), str)
        and isinstance(entry.get("t"), int | float)
        and entry["t"] >= oldest
    ][:MAX_ENTRIES]


def trusted_devices(request: HttpRequest, candidates: Iterable[User]) -> list[TrustedDevice]:
    """The candidates this browser's cookie names and may still vouch for.

    An entry whose own failure allowance is spent no longer counts: the attempt is
    then treated like one from any other browser.
    """
    entries = _entries(request)
    found = []
    for user in candidates:
        for entry in entries:
            if entry["u"] == user.pk and entry["p"] == user.practice_id:
                if not backoff_hold(DEVICE_BACKOFF, entry["n"]).refuses():
                    found.append(TrustedDevice(user=user, nonce=entry["n"]))
                break
    return found


def device_cookie_value(request: HttpRequest, user: User) -> str:
    """The cookie to send after ``user`` signed in: a fresh entry for them, first."""
    keep = [e for e in _entries(request) if not (e["u"] == user.pk and e["p"] == user.practice_id)]
    entry = {"u": user.pk, "p": user.practice_id, "n": secrets.token_urlsafe(16), "t": time.time()}
    return signing.dumps([entry, *keep][:MAX_ENTRIES], salt=_SALT, compress=True)


def set_device_cookie(response: HttpResponse, value: str) -> None:
    """Attach the cookie (if a sign-in produced one) to ``response``."""
    if not value:
        return
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_LIFETIME,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
