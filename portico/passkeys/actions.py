"""Writes for passkeys: adding and removing one, each audited."""

from __future__ import annotations

from django.db import transaction

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.passkeys.ceremony import NewCredential
from portico.passkeys.models import Passkey


@transaction.atomic
def add_passkey(user: User, *, credential: NewCredential, name: str, by: Actor) -> Passkey | None:
    """Keep ``credential`` as a passkey of ``user``; None when that credential is already kept."""
    if Passkey.objects.filter(credential_id=credential.credential_id).exists():
        return None
    passkey = Passkey.objects.create(
        practice_id=user.practice_id,
        user=user,
        credential_id=credential.credential_id,
        public_key=credential.public_key,
        sign_count=credential.sign_count,
        transports=credential.transports,
        name=name,
        rp_id=credential.rp_id,
        backed_up=credential.backed_up,
    )
    record(
        Action.PASSKEY_ADDED,
        practice=user.practice,
        actor=by,
        subject_user=user,
        details={"name": name, "synced": credential.backed_up},
    )
    return passkey


@transaction.atomic
def remove_passkey(passkey: Passkey, *, by: Actor) -> None:
    record(
        Action.PASSKEY_REMOVED,
        practice=passkey.practice,
        actor=by,
        subject_user=passkey.user,
        details={"name": passkey.name},
    )
    passkey.delete()
