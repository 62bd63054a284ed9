"""Writes of the two-factor sign-in: enrolment, recovery codes, removal and resets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.twofactor.factors import matching_step, new_recovery_codes, recovery_code_hash
from portico.twofactor.methods import passkeys_api
from portico.twofactor.models import AuthenticatorApp, RecoveryCode

if TYPE_CHECKING:
    from portico.clients.models import Client


class TwoFactorRuleError(ValueError):
    """A rule refused the change; the message says why, for the person."""


@transaction.atomic
def add_authenticator_app(user: User, *, secret: str, code: str, by: Actor) -> list[str] | None:
    """Keep ``secret`` as ``user``'s app once ``code`` proves the app has it.

    None when the code is not one of the secret's current codes. On success: the app
    replaces any earlier one, and — if the account has no unused recovery codes — ten
    new ones are made and returned (shown once); otherwise an empty list.
    """
    step = matching_step(secret, code)
    if step is None:
        return None
    AuthenticatorApp.objects.filter(user=user).delete()
    AuthenticatorApp.objects.create(
        practice_id=user.practice_id,
        user=user,
        secret=secret,
        last_used_step=step,  # the confirming code is spent
        confirmed_at=timezone.now(),
    )
    record(
        Action.AUTHENTICATOR_APP_ADDED,
        practice=user.practice,
        actor=by,
        subject_user=user,
        details={"kind": user.kind},
    )
    if RecoveryCode.objects.filter(user=user, used_at=None).exists():
        return []
    return _replace_recovery_codes(user, by=by)


@transaction.atomic
def regenerate_recovery_codes(user: User, *, by: Actor) -> list[str]:
    """Ten new codes; every earlier one stops working."""
    return _replace_recovery_codes(user, by=by)


def _replace_recovery_codes(user: User, *, by: Actor) -> list[str]:
    codes = new_recovery_codes()
    now = timezone.now()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(
            practice_id=user.practice_id,
            user=user,
            code_hash=recovery_code_hash(code),
            created_at=now,
        )
        for code in codes
    )
    record(
        Action.RECOVERY_CODES_CREATED,
        practice=user.practice,
        actor=by,
        subject_user=user,
        details={"count": len(codes)},
    )
    return codes


@transaction.atomic
def remove_authenticator_app(user: User, *, by: Actor) -> bool:
    """Remove ``user``'s own app. Refused when their practice requires a second factor
    and the app is the only one (a passkey must be added first)."""
    from portico.twofactor.methods import has_passkeys, is_required

    if is_required(user) and not has_passkeys(user):
        raise TwoFactorRuleError(
            "Your practice requires two-step sign-in: add a passkey before removing the app."
        )
    deleted, _ = AuthenticatorApp.objects.filter(user=user).delete()
    if not deleted:
        return False
    if not has_passkeys(user):
        RecoveryCode.objects.filter(user=user).delete()
    record(
        Action.AUTHENTICATOR_APP_REMOVED,
        practice=user.practice,
        actor=by,
        subject_user=user,
        details={"kind": user.kind},
    )
    return True


@transaction.atomic
def reset_two_factor(
    member: User, *, by: Actor, client: Client | None = None, verified_by: str = ""
) -> dict[str, int]:
    """Remove every second factor of ``member`` (app, passkeys, recovery codes) and end
    their sessions. Staff members are emailed (TWO_FACTOR_RESET); a client's reset is
    done by staff who have just checked who they are (``verified_by``), on the phone or
    at the desk, and goes on ``client``'s access history."""
    from portico.lib.urls import practice_url
    from portico.mail.models import EmailKind
    from portico.mail.outbox import queue_email

    if by.user is not None and by.user.pk == member.pk:
        raise TwoFactorRuleError("Use Account security to change your own sign-in methods.")
    apps, _ = AuthenticatorApp.objects.filter(user=member).delete()
    codes, _ = RecoveryCode.objects.filter(user=member).delete()
    api = passkeys_api()
    passkeys = api.forget_passkeys(member) if api is not None else 0
    member.session_generation += 1
    member.save(update_fields=["session_generation"])
    removed = {"authenticator_apps": apps, "passkeys": passkeys, "recovery_codes": codes}
    details: dict[str, object] = {**removed, "kind": member.kind}
    if verified_by:
        details["verified_by"] = verified_by
    record(
        Action.TWO_FACTOR_RESET,
        practice=member.practice,
        actor=by,
        client=client,
        subject_user=member,
        details=details,
    )
    if member.kind == UserKind.STAFF and member.email:
        practice = member.practice
        queue_email(
            practice=practice,
            kind=EmailKind.TWO_FACTOR_RESET,
            to=member.email,
            context={
                "greeting_name": member.first_name or member.email,
                "practice_name": practice.name,
                "link": practice_url(practice, "accounts:staff_sign_in"),
            },
        )
    return removed
