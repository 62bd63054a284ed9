"""Reads for passkeys: the one scoped lookup, and a person's list."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from portico.accounts.models import User
from portico.passkeys.models import Passkey


def passkeys_of(user: User) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user, practice_id=user.practice_id))


def get_passkey_for_user(user: User, public_id: Any) -> Passkey:
    """One of ``user``'s own passkeys; 404 for anyone else's (or any practice's)."""
    passkey = (
        Passkey.objects.filter(public_id=public_id, user=user, practice_id=user.practice_id)
        .select_related("practice", "user")
        .first()
    )
    if passkey is None:
        raise Http404("No such passkey.")
    return passkey
