"""Which second factors an account has, and whether its practice requires one.

Passkeys come from ``portico.passkeys.api`` (its contract: ``has_passkeys``,
``sign_in_options``, ``verify_sign_in``); the import is wrapped so sign-in keeps
working on an installation without that app.
"""

from __future__ import annotations

from types import ModuleType

from django.utils.translation import gettext_lazy as _

from portico.accounts.models import User, UserKind
from portico.twofactor.models import AuthenticatorApp, RecoveryCode

APP = "authenticator_app"
PASSKEY = "passkey"
RECOVERY_CODE = "recovery_code"

LABELS = {APP: _("Authenticator app"), PASSKEY: _("Passkey"), RECOVERY_CODE: _("Recovery code")}


def passkeys_api() -> ModuleType | None:
    try:
        from portico.passkeys import api
    except ImportError:
        return None
    return api


def has_passkeys(user: User) -> bool:
    api = passkeys_api()
    return bool(api is not None and api.has_passkeys(user))


def has_authenticator_app(user: User) -> bool:
    return AuthenticatorApp.objects.filter(user=user).exists()


def enrolled_methods(user: User) -> list[str]:
    """The sign-in methods ``user`` has set up (recovery codes are a back-up, not one)."""
    found = [APP] if has_authenticator_app(user) else []
    if has_passkeys(user):
        found.append(PASSKEY)
    return found


def has_second_factor(user: User) -> bool:
    return has_authenticator_app(user) or has_passkeys(user)


def is_required(user: User) -> bool:
    """Does the account's practice require a second factor for people like them?"""
    practice = user.practice
    if user.kind == UserKind.STAFF:
        return practice.require_staff_two_factor
    return practice.require_client_two_factor


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def methods_by_user(users: list[User]) -> dict[int, list[str]]:
    """``enrolled_methods`` for many accounts at once (the staff page): two queries."""
    ids = [user.pk for user in users]
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    for pk in AuthenticatorApp.objects.filter(user_id__in=ids).values_list("user_id", flat=True):
        found[pk].append(APP)
    for pk in _users_with_passkeys(ids):
        found[pk].append(PASSKEY)
    return found


def _users_with_passkeys(ids: list[int]) -> set[int]:
    """One query for many accounts. The passkeys API answers one account at a time, so
    this reads its model directly, only when that app is installed."""
    from django.apps import apps

    if passkeys_api() is None or not apps.is_installed("portico.passkeys"):
        return set()
    passkey = apps.get_model("passkeys", "Passkey")
    return set(passkey.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
