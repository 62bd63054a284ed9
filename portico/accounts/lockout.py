"""Account lock after repeated failed sign-ins: timed unlock, and staff unlock.

Five wrong passwords in a row lock the account for 15 minutes, even against the
right password. The lock lives on the account (``User.locked_until``), so every
web process sees it; staff with the capability can lift it early.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action

if TYPE_CHECKING:
    from portico.clients.models import Client

MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)


def is_locked(user: User, at: datetime | None = None) -> bool:
    """True while the lock holds; it ends exactly at ``locked_until``."""
    at = at or timezone.now()
    return user.locked_until is not None and at < user.locked_until


@transaction.atomic
def register_failure(user: User, *, by: Actor, at: datetime | None = None) -> bool:
    """Count one wrong password; lock the account at the fifth in a row. True if it just locked."""
    at = at or timezone.now()
    # Row lock: concurrent wrong passwords must each count.
    current = User.objects.select_for_update().get(pk=user.pk)
    current.failed_sign_ins += 1
    locked = current.failed_sign_ins >= MAX_FAILED_SIGN_INS
    if locked:
        # The count starts again after the lock, so a timed unlock gives five fresh tries.
        current.failed_sign_ins = 0
        current.locked_until = at + LOCK_DURATION
    current.save(update_fields=["failed_sign_ins", "locked_until"])
    user.failed_sign_ins = current.failed_sign_ins
    user.locked_until = current.locked_until
    if locked:
        record(
            Action.SIGN_IN_LOCKED,
            practice=user.practice,
            actor=by,
            subject_user=user,
            details={
                "failed_sign_ins": MAX_FAILED_SIGN_INS,
                "locked_until": current.locked_until.isoformat() if current.locked_until else "",
            },
        )
    return locked


def clear_failures(user: User) -> None:
    """After a successful sign-in: the count starts again."""
    if user.failed_sign_ins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
        user.failed_sign_ins = 0
        user.locked_until = None


@transaction.atomic
def unlock_user(user: User, *, by: Actor, client: Client | None = None) -> bool:
    """Lift a sign-in lock early (staff "Unlock"). True if the account was locked.

    ``client`` puts the event on that client's access history.
    """
    was_locked = is_locked(user)
    User.objects.filter(pk=user.pk).update(failed_sign_ins=0, locked_until=None)
    user.failed_sign_ins = 0
    user.locked_until = None
    record(
        Action.UNLOCKED,
        practice=user.practice,
        actor=by,
        client=client,
        subject_user=user,
        details={"was_locked": was_locked, "username": user.username},
    )
    return was_locked
