"""This feature's items for the portal's "Your next step" list (see portico.portal.next_steps).

Ranks: a document the practice asked for is a task the practice waits on, like a
form, so it comes right after forms (15); a new document to open is something to
read, like a message, but often asks for action (a statement to pay), so it comes
before messages (25).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import ngettext, npgettext

from portico.documents.queries import counts_for
from portico.practices.models import PortalFeature

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client
    from portico.portal.next_steps import NextStep

UPLOAD_RANK = 15
OPEN_RANK = 25


def steps_for(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    """Documents nobody on the client's side opened yet, and documents asked for. One query."""
    from portico.portal.next_steps import NextStep

    counts = counts_for(client)
    url = (
        reverse("portal_documents:list")
        if reader is not None
        else reverse("staff_documents:client", args=[client.public_id])
    )
    steps: list[NextStep] = []
    if asked := counts["asked"]:
        steps.append(
            NextStep(
                feature=PortalFeature.DOCUMENTS,
                rank=UPLOAD_RANK,
                count=asked,
                portal_text=ngettext(
                    "Upload %(count)d requested document",
                    "Upload %(count)d requested documents",
                    asked,
                )
                % {"count": asked},
                staff_text=npgettext(
                    "staff",
                    "%(count)d requested document not uploaded yet",
                    "%(count)d requested documents not uploaded yet",
                    asked,
                )
                % {"count": asked},
                url=url,
            )
        )
    if new := counts["new"]:
        steps.append(
            NextStep(
                feature=PortalFeature.DOCUMENTS,
                rank=OPEN_RANK,
                count=new,
                portal_text=ngettext(
                    "Open %(count)d new document", "Open %(count)d new documents", new
                )
                % {"count": new},
                staff_text=npgettext(
                    "staff",
                    "%(count)d shared document not opened yet",
                    "%(count)d shared documents not opened yet",
                    new,
                )
                % {"count": new},
                url=url,
            )
        )
    return steps
