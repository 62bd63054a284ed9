"""This feature's items for the portal's "Your next step" list (see portico.portal.next_steps)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import ngettext, npgettext

from portico.intake.queries import outstanding
from portico.practices.models import PortalFeature

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client
    from portico.portal.next_steps import NextStep


def steps_for(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    """Forms still to submit (one query): the first one is where the link goes."""
    from portico.portal.next_steps import NextStep

    waiting = outstanding(client)
    if not waiting:
        return []
    count = len(waiting)
    return [
        NextStep(
            feature=PortalFeature.FORMS,
            rank=10,
            count=count,
            portal_text=ngettext("Complete %(count)d form", "Complete %(count)d forms", count)
            % {"count": count},
            staff_text=npgettext(
                "staff",
                "%(count)d form not submitted yet",
                "%(count)d forms not submitted yet",
                count,
            )
            % {"count": count},
            url=reverse("portal_forms:fill", args=[waiting[0]]),
        )
    ]
