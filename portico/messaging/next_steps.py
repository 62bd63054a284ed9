"""This feature's items for the portal's "Your next step" list (see portico.portal.next_steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import ngettext, npgettext

from portico.messaging.queries import portal_unread_count, practice_unread_count
from portico.practices.models import PortalFeature

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client
    from portico.portal.next_steps import NextStep

RANK = 30


def steps_for(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    """Unread messages: from the practice for ``reader``; from the client for staff (None).

    One query either way.
    """
    from portico.portal.next_steps import NextStep

    count = practice_unread_count(client) if reader is None else portal_unread_count(client, reader)
    if not count:
        return []
    return [
        NextStep(
            feature=PortalFeature.MESSAGES,
            rank=RANK,
            count=count,
            portal_text=ngettext("Read %(count)d new message", "Read %(count)d new messages", count)
            % {"count": count},
            staff_text=npgettext(
                "staff",
                "%(count)d message from the client's side not read yet",
                "%(count)d messages from the client's side not read yet",
                count,
            )
            % {"count": count},
            url=(
                reverse("portal_messages:conversation")
                if reader is not None
                else reverse("staff_messages:conversation", args=[client.public_id])
            ),
            waiting_on="client" if reader is not None else "practice",
        )
    ]
