"""The telehealth gate on pages: every video appointment of a list at once, in constant
queries, and the page's CSP opened to the rooms its Join buttons lead to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.csp import CSP

from portico.appointments.models import Appointment
from portico.appointments.telehealth import JoinState, facts_for, join_state, staff_join_state

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.practices.models import Practice


def show_to_staff(practice: Practice, appointments: list[Appointment], now: datetime) -> None:
    """Set ``appointment.join`` (a JoinState, for templates) on every video appointment."""
    states = staff_states(practice, appointments, now)
    for appointment in appointments:
        appointment.join = states.get(appointment.pk)  # type: ignore[attr-defined]


def staff_states(
    practice: Practice, appointments: list[Appointment], now: datetime
) -> dict[int, JoinState]:
    """``staff_join_state`` of every video appointment of a page (appointment pk → state), in
    three queries whatever the number of appointments."""
    from portico.access.models import PortalAccess

    video = [a for a in appointments if a.is_video]
    if not video:
        return {}
    facts = facts_for(practice, video)
    accesses = list(
        PortalAccess.objects.filter(
            practice=practice,
            client_id__in={a.client_id for a in video},
            ended_at=None,
            contact__removed_at__isnull=True,
        ).select_related("client", "contact")
    )
    return {a.pk: staff_join_state(a, accesses, now, facts=facts) for a in video}


def portal_states(
    practice: Practice, access: PortalAccess, appointments: list[Appointment], now: datetime
) -> dict[int, JoinState]:
    """``join_state`` of every video appointment the person sees (appointment pk → state)."""
    video = [a for a in appointments if a.is_video and a.client_id == access.client_id]
    if not video:
        return {}
    facts = facts_for(practice, video)
    for appointment in video:
        appointment.client = access.client  # the same row: no query per appointment
    return {a.pk: join_state(a, access, now, facts=facts) for a in video}


def allow_join_redirects(response: HttpResponse, states: Iterable[JoinState]) -> HttpResponse:
    """Let the page's Join forms end at their rooms: the CSP's ``form-action 'self'`` also
    covers where a form's POST redirects to, so the origins of the rooms that can be joined
    from this page (and only those) are added to it, for this response only."""
    origins = sorted(
        {f"https://{urlsplit(s.room_url).netloc}" for s in states if s.can_join and s.room_url}
    )
    if origins:
        policy: dict[str, Any] = dict(settings.SECURE_CSP)
        policy["form-action"] = [*(policy.get("form-action") or [CSP.SELF]), *origins]
        response._csp_config = policy  # type: ignore[attr-defined]
    return response
