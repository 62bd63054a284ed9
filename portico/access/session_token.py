"""Moving a link's token out of the URL and into the session.

Email scanners open links before people do, and URLs end up in browser history
and referrers. The first GET puts the token in the session and redirects to a
token-less URL; later steps read it back from there. A GET never consumes a link.
"""

from __future__ import annotations

from django.http import HttpRequest

_KEY = "portico_link_token:{}"


def stash_token(request: HttpRequest, purpose: str, token: str) -> None:
    request.session[_KEY.format(purpose)] = token


def stashed_token(request: HttpRequest, purpose: str) -> str | None:
    value = request.session.get(_KEY.format(purpose))
    return value if isinstance(value, str) else None


def forget_token(request: HttpRequest, purpose: str) -> None:
    request.session.pop(_KEY.format(purpose), None)


# Whom a signed-in portal user acts for (a client's id). Set here when registration
# ends, so a parent lands on the child they were just invited for; the portal reads
# it and re-checks the access on every request.
ACTING_FOR_KEY = "portico_acting_for"


def remember_acting_for(request: HttpRequest, client_id: int) -> None:
    request.session[ACTING_FOR_KEY] = client_id
