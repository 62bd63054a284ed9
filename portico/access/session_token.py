"""Moving a link out of the URL and into the session, without keeping its token.

Email scanners open links before people do, and URLs end up in browser history
and referrers. The first GET puts the link in the session and redirects to a
token-less URL; later steps find the link from there. A GET never consumes a link.

The session keeps only the token's SHA-256, the digest AccessLink stores: a
session row (or a stolen session cookie's data) then holds nothing that would
open the link from another browser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from portico.access.links import hash_token
from portico.access.models import AccessLink

if TYPE_CHECKING:
    from portico.practices.models import Practice

_PREFIX = "portico_link_hash:"
_KEY = _PREFIX + "{}"
# Where sessions made before kept the raw token: dropped whenever the journey moves.
_RAW_KEY = "portico_link_token:{}"


def stash_token(request: HttpRequest, purpose: str, token: str) -> None:
    request.session.pop(_RAW_KEY.format(purpose), None)
    request.session[_KEY.format(purpose)] = hash_token(token)


def holds_token(request: HttpRequest, purpose: str, token: str) -> bool:
    """True when this session already carries the link of ``token`` (the same visit again)."""
    return bool(request.session.get(_KEY.format(purpose)) == hash_token(token))


def stashed_link(request: HttpRequest, practice: Practice, purpose: str) -> AccessLink | None:
    """The link this session carries for ``purpose``, live or not; None if none or unknown.

    Looked up in ``practice`` only, like ``links.find_link``: a link of another
    practice is unknown.
    """
    digest = request.session.get(_KEY.format(purpose))
    if not isinstance(digest, str) or not digest:
        return None
    return (
        AccessLink.objects.select_related("access__client", "access__contact", "user")
        .filter(practice=practice, token_hash=digest, purpose=purpose)
        .first()
    )


def link_digest(request: HttpRequest, purpose: str) -> str | None:
    """The SHA-256 of the link this session carries for ``purpose``, if any."""
    session = getattr(request, "session", None)
    digest = session.get(_KEY.format(purpose)) if session is not None else None
    return digest if isinstance(digest, str) and digest else None


def carries_a_link(request: HttpRequest) -> bool:
    """True while this session is in the middle of a welcome, reset or staff-invite journey."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    # A session has keys() but cannot be iterated itself.
    return any(key.startswith(_PREFIX) for key in session.keys())  # noqa: SIM118


def forget_token(request: HttpRequest, purpose: str) -> None:
    request.session.pop(_KEY.format(purpose), None)
    request.session.pop(_RAW_KEY.format(purpose), None)


# Whom a signed-in portal user acts for (a client's id). Set here when registration
# ends, so a parent lands on the child they were just invited for; the portal reads
# it and re-checks the access on every request.
ACTING_FOR_KEY = "portico_acting_for"


def remember_acting_for(request: HttpRequest, client_id: int) -> None:
    request.session[ACTING_FOR_KEY] = client_id
