"""Checking a second factor: authenticator-app codes (RFC 6238) and recovery codes.

A code of step N (30 seconds each) is accepted during steps N-1, N and N+1, once:
accepting it moves the app's ``last_used_step`` forward with a conditional UPDATE,
so of two requests carrying the same code only one wins, and a code older than the
last one used is refused too. Recovery codes are single use the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from django.utils import timezone
from django.utils.translation import gettext

from portico.accounts.models import User
from portico.twofactor.models import AuthenticatorApp, RecoveryCode

STEP = 30  # seconds (RFC 6238's default, what every app uses)
DRIFT = 1  # steps accepted either side of now
RECOVERY_CODES = 10
# Lowercase letters and digits without the look-alikes (0/o, 1/l/i).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits (RFC 4226's recommended length)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, user: User) -> str:
    account = user.email or user.username
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=user.practice.name)


def qr_code_svg(secret: str, *, user: User) -> str:
    """The QR code an app scans, as an inline SVG made on the server."""
    qr = segno.make(provisioning_uri(secret, user=user), error="m")
    return str(
        qr.svg_inline(scale=5, border=2, title=gettext("QR code for your authenticator app"))
    )


def clean_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def looks_like_app_code(code: str) -> bool:
    return bool(_CODE.match(clean_code(code)))


def current_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP)


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The step (within the drift) whose code ``code`` is, or None. Every candidate is
    compared in constant time, so the answer's timing does not say which one matched."""
    code = clean_code(code)
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now = current_step(at)
    found = None
    for step in range(now - DRIFT, now + DRIFT + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            found = step
    return found


def use_app_code(user: User, code: str) -> bool:
    """True once for a right, unused code of ``user``'s authenticator app."""
    app = AuthenticatorApp.objects.filter(user=user).first()
    if app is None:
        return False
    step = matching_step(app.secret, code)
    if step is None:
        return False
    used = AuthenticatorApp.objects.filter(pk=app.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return used == 1


def new_recovery_codes() -> list[str]:
    """Ten codes like ``k7pq3-x9mzt``: 10 characters of a 31-letter alphabet (~50 bits)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(clean_code(code).encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """True once for each of ``user``'s recovery codes (conditional UPDATE)."""
    cleaned = clean_code(code)
    if not 6 <= len(cleaned) <= 32:
        return False
    used = RecoveryCode.objects.filter(
        user=user, code_hash=recovery_code_hash(cleaned), used_at=None
    ).update(used_at=timezone.now())
    return used == 1
