"""A next-step provider for the portal's own tests, until the features' providers return steps.

It is a real provider (the ``steps_for`` contract of ``portico.portal.next_steps``):
tests put it in ``PROVIDERS`` with ``monkeypatch``. It says the practice waits for
two forms and one unread message, listed out of order so the sorting shows; the
URLs are those of the features' sections in the practice's portal.
"""

from __future__ import annotations

from django.urls import reverse

from portico.access.models import PortalAccess
from portico.clients.models import Client
from portico.portal.next_steps import NextStep
from portico.practices.models import PortalFeature

MODULE = __name__


def steps_for(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    home = reverse("portal:home")
    for_whom = "" if reader is None or reader.is_own else f" for {client.greeting_name}"
    return [
        NextStep(
            feature=PortalFeature.MESSAGES,
            rank=30,
            count=1,
            portal_text="Read 1 new message",
            staff_text=f"1 message {client.greeting_name} has not read",
            url=home + "messages/",
        ),
        NextStep(
            feature=PortalFeature.FORMS,
            rank=10,
            count=2,
            portal_text=f"Complete 2 forms{for_whom}",
            staff_text="2 forms not submitted yet",
            url=home + "forms/",
        ),
    ]
