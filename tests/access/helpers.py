"""Small helpers for the access tests (state is still built with real actions)."""

from __future__ import annotations

from portico.access.models import AccessLink
from portico.audit.actor import Actor
from portico.mail.models import OutboundEmail


def by(user: object) -> Actor:
    return Actor.for_user(user)  # type: ignore[arg-type]


def token_of(link: AccessLink) -> str:
    """The raw token, read back from the queued email (the only place it exists)."""
    email = OutboundEmail.objects.filter(link=link).latest("created_at")
    marker = "/welcome/" if link.purpose == "client_invite" else "/reset/"
    text = email.text_body
    start = text.index(marker) + len(marker)
    return text[start:].split("/")[0].split()[0]
