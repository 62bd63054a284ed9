"""Two-factor test helpers, built on the real actions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pyotp
from django.test import Client as HttpClient
from django.test.client import Client

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.practices.models import Practice
from portico.twofactor.actions import add_authenticator_app
from portico.twofactor.factors import STEP, new_secret
from tests.cast import PASSWORD, at

# 10:00:00 AM in New York, the first second of a 30-second step.
T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)
_addresses = itertools.count(1)


def stranger() -> HttpClient:
    """A browser that never signed in here, from an address of its own."""
    return HttpClient(REMOTE_ADDR=f"198.51.100.{next(_addresses) % 250 + 1}")


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(user: User, *, when: datetime | None = None) -> tuple[str, list[str]]:
    """Give ``user`` an authenticator app (its confirming code is spent); the secret and
    the recovery codes."""
    secret = new_secret()
    code = pyotp.TOTP(secret).at(when) if when else pyotp.TOTP(secret).now()
    codes = add_authenticator_app(user, secret=secret, code=code, by=Actor.for_user(user))
    assert codes is not None
    return secret, codes


def require_staff_two_factor(practice: Practice, required: bool = True) -> None:
    Practice.objects.filter(pk=practice.pk).update(require_staff_two_factor=required)
    practice.require_staff_two_factor = required


def staff_password(http: Client, practice: Practice, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return http.post(at(practice, "accounts:staff_sign_in"), {"email": email, "password": password})


def staff_code(http: Client, practice: Practice, code: str):  # type: ignore[no-untyped-def]
    return http.post(at(practice, "twofactor:staff_second_step"), {"code": code})


def is_signed_in(http: Client) -> bool:
    return "_auth_user_id" in http.session


NEXT_STEP = STEP
