"""This feature's items for the portal's "Your next step" list (see portico.portal.next_steps)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, npgettext, pgettext

from portico.practices.models import PortalFeature

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client
    from portico.portal.next_steps import NextStep

# The practice asks again a year after the last "these details are right".
CONFIRM_EVERY = timedelta(days=365)


def steps_for(client: Client, *, reader: PortalAccess | None) -> list[NextStep]:
    from portico.portal.next_steps import NextStep
    from portico.profiles.queries import pending_count

    steps: list[NextStep] = []
    confirmed = client.profile_confirmed_at
    if confirmed is None or confirmed <= timezone.now() - CONFIRM_EVERY:
        staff_text = (
            pgettext("staff", "Contact details never confirmed by the client")
            if confirmed is None
            else pgettext("staff", "Contact details not confirmed in the last year")
        )
        steps.append(
            NextStep(
                feature=PortalFeature.PROFILE,
                rank=20,
                count=1,
                portal_text=(
                    gettext("Confirm your contact details")
                    if reader is None or reader.is_own
                    else gettext("Confirm %(name)s's contact details")
                    % {"name": client.greeting_name}
                ),
                staff_text=staff_text,
                url=reverse("portal_profile:profile"),
            )
        )
    if reader is None:
        count = pending_count(client)
        if count:
            steps.append(
                NextStep(
                    feature=PortalFeature.PROFILE,
                    rank=20,
                    count=count,
                    portal_text="",
                    staff_text=npgettext(
                        "staff",
                        "%(count)d profile change to review",
                        "%(count)d profile changes to review",
                        count,
                    )
                    % {"count": count},
                    url=reverse("staff_profiles:client_changes", args=[client.public_id]),
                    waiting_on="practice",
                )
            )
    return steps
