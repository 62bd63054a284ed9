"""API keys: create, revoke, and find the key a request presents.

The secret is ``pk_live_<6 hex>_<43 random characters>``: 32 random bytes from
``secrets``; only its SHA-256 is stored (a lookup by hash, so no comparison can
leak timing). The first part (``pk_live_ab12cd``) is the visible prefix staff use
to tell keys apart. A key acts with a role from the staff capability table
(``portico.practices.roles``), audited as "API key <name> (<prefix>)".
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from portico.api.models import ApiKey
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action

if TYPE_CHECKING:
    from portico.practices.models import Practice

SECRET_BYTES = 32
PREFIX_START = "pk_live_"
# last_used_at/ip are written at most this often per key: not one UPDATE per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_actor(key: ApiKey, *, ip: str | None = None, user_agent: str = "") -> Actor:
    """Who is recorded in the audit log for what a key does."""
    return Actor(
        user=None, label=f"API key {key.name} ({key.prefix})", ip=ip, user_agent=user_agent
    )


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # shown once, never stored


@transaction.atomic
def create_api_key(
    practice: Practice,
    *,
    by: Actor,
    name: str,
    role: str,
    expires_at: datetime | None = None,
) -> NewKey:
    """A new key; the secret is returned once and only its hash is kept."""
    while True:  # a 6-hex prefix is shared by 1 in 16 million keys: try again
        prefix = PREFIX_START + secrets.token_hex(3)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    secret = f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey.objects.create(
        practice=practice,
        name=name.strip(),
        role=role,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        created_by=by.user,
        created_at=timezone.now(),
        expires_at=expires_at,
    )
    record(
        Action.API_KEY_CREATED,
        practice=practice,
        actor=by,
        details={"key": key.prefix, "name": key.name, "role": key.role},
    )
    return NewKey(key=key, secret=secret)


@transaction.atomic
def revoke_api_key(key: ApiKey, *, by: Actor) -> bool:
    """Stop the key at once; False when it was already revoked."""
    now = timezone.now()
    revoked = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not revoked:
        return False
    key.revoked_at = now
    record(
        Action.API_KEY_REVOKED,
        practice=key.practice,
        actor=by,
        details={"key": key.prefix, "name": key.name},
    )
    return True


def key_for_secret(secret: str) -> ApiKey | None:
    """The key with this secret, whichever practice it belongs to (the caller checks)."""
    if not secret.startswith(PREFIX_START) or len(secret) > 200:
        return None
    return ApiKey.objects.select_related("practice").filter(secret_hash=hash_secret(secret)).first()


def is_usable(key: ApiKey, at: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or at < key.expires_at)


def note_use(key: ApiKey, *, ip: str | None, at: datetime) -> None:
    """Remember when and from where the key was last used (at most once a minute)."""
    recent = key.last_used_at is not None and at - key.last_used_at < LAST_USED_PRECISION
    if recent and key.last_used_ip == ip:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=at, last_used_ip=ip)
    key.last_used_at, key.last_used_ip = at, ip


def keys_of(practice: Practice) -> list[ApiKey]:
    """The practice's keys, newest first, with who created them (one query)."""
    return list(
        ApiKey.objects.filter(practice=practice)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def get_key_for_owner(practice: Practice, public_id: UUID | str) -> ApiKey | None:
    return ApiKey.objects.filter(practice=practice, public_id=public_id).first()


@transaction.atomic
def replace_key(practice: Practice, *, by: Actor, name: str, role: str) -> NewKey:
    """Revoke the practice's working keys called ``name`` and create a new one (the demo
    key, printed by seed_demo on every run: the old secret stops working)."""
    for old in ApiKey.objects.filter(practice=practice, name=name, revoked_at__isnull=True):
        revoke_api_key(old, by=by)
    return create_api_key(practice, by=by, name=name, role=role)
