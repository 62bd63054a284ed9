"""Access links: the single-use, expiring tokens in invitation and reset emails.

- A token is 32 random bytes; only its SHA-256 is stored (in the link, and in
  the visitor's session after the first visit). The raw token exists only in the
  email (and the outbox row until delivery) — never in the database or the logs.
- Live means: not used, not revoked, and now < expires_at (expiry is exclusive,
  to the second). ``is_live`` and ``live_links`` are the only places that decide it.
- Issuing a new invite or reset for a subject revokes its earlier live ones.
- Consumption is one conditional UPDATE: of any number of concurrent
  redemptions, exactly one changes a row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from portico.access.models import AccessLink, LinkPurpose, RevokeReason

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.accounts.models import User
    from portico.practices.models import Practice

TOKEN_BYTES = 32
STAFF_INVITE_LIFETIME = timedelta(hours=1)
# An invitation and a reset for the same person replace each other.
CLIENT_PURPOSES = (LinkPurpose.CLIENT_INVITE, LinkPurpose.PASSWORD_RESET)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    link: AccessLink
    token: str  # goes into the email only


def is_live(link: AccessLink, at: datetime | None = None) -> bool:
    at = at or timezone.now()
    return link.used_at is None and link.revoked_at is None and at < link.expires_at


def live_links(links: QuerySet[AccessLink], at: datetime | None = None) -> QuerySet[AccessLink]:
    at = at or timezone.now()
    return links.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=at)


def links_of(subject: PortalAccess | User) -> QuerySet[AccessLink]:
    """The links of one person: through a portal access, or of an account (staff, a parent)."""
    from portico.access.models import PortalAccess

    if isinstance(subject, PortalAccess):
        return AccessLink.objects.filter(practice_id=subject.practice_id, access=subject)
    return AccessLink.objects.filter(practice_id=subject.practice_id, user=subject)


def revoke_live_links(
    links: QuerySet[AccessLink], *, reason: RevokeReason, at: datetime | None = None
) -> int:
    """Revoke every live link in ``links``; returns how many were revoked."""
    at = at or timezone.now()
    return live_links(links, at).update(revoked_at=at, revoked_reason=reason)


def issue_link(
    practice: Practice,
    *,
    purpose: LinkPurpose,
    email: str,
    lifetime: timedelta,
    created_by: User | None,
    subject: PortalAccess | User,
    self_service: bool = False,
) -> IssuedLink:
    """Create a link for the subject, superseding its earlier live links of the same family.

    Call inside the transaction that also queues the email carrying the token.
    ``self_service`` marks a "Forgot password?" link: it counts toward the
    person's self-service budget instead of the staff allowance (``limits``).
    """
    from portico.access.models import PortalAccess

    now = timezone.now()
    family = CLIENT_PURPOSES if purpose in CLIENT_PURPOSES else (purpose,)
    revoke_live_links(
        links_of(subject).filter(purpose__in=family), reason=RevokeReason.SUPERSEDED, at=now
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    access = subject if isinstance(subject, PortalAccess) else None
    user = subject if not isinstance(subject, PortalAccess) else None
    link = AccessLink.objects.create(
        practice=practice,
        purpose=purpose,
        access=access,
        user=user,
        email=email,
        token_hash=hash_token(token),
        created_at=now,
        created_by=created_by,
        expires_at=now + lifetime,
        self_service=self_service,
    )
    return IssuedLink(link=link, token=token)


def find_link(practice: Practice, token: str, *, purposes: tuple[str, ...]) -> AccessLink | None:
    """The link for ``token`` in this practice, live or not; None if unknown.

    A token from another practice, or for another purpose, is unknown: the two
    cases must look the same to the visitor.
    """
    if not token or len(token) > 128:
        return None
    return (
        AccessLink.objects.select_related("access__client", "access__contact", "user")
        .filter(practice=practice, token_hash=hash_token(token), purpose__in=purposes)
        .first()
    )


def consume_link(link: AccessLink, at: datetime | None = None) -> bool:
    """Mark the link used if it is still live. True for exactly one caller."""
    at = at or timezone.now()
    changed = live_links(AccessLink.objects.filter(pk=link.pk), at).update(used_at=at)
    if changed:
        link.used_at = at
    return changed == 1
