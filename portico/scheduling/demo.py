"""Demo self-scheduling (for seed_demo): the owner's weekday hours and two bookable types.

The owner (a clinician-capable role) is bookable Monday to Friday, 9:00 AM to
noon and 1:00 to 5:00 PM in the practice's zone, as a 50-minute video session or
a 50-minute in-person session; self-scheduling is turned on for clients. Made
with the real actions, so the access history shows who published what.
"""

from __future__ import annotations

from datetime import time

from django.db import transaction

from portico.accounts.models import User
from portico.appointments.models import AppointmentKind
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.actions import update_practice_settings
from portico.practices.models import PortalFeature, Practice
from portico.scheduling.actions import add_bookable_type, add_weekly_window
from portico.scheduling.models import BookableType, Weekday

HOURS = ((time(9), time(12)), (time(13), time(17)))


@transaction.atomic
def seed_scheduling_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> list[BookableType]:
    by = Actor.for_user(owner)
    if PortalFeature.SELF_SCHEDULING.value not in (practice.portal_features or []):
        update_practice_settings(
            practice,
            by=by,
            changes={
                "portal_features": [
                    *(practice.portal_features or []),
                    PortalFeature.SELF_SCHEDULING.value,
                ]
            },
        )
    for weekday in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY):
        for start, end in HOURS:
            add_weekly_window(owner, by=by, weekday=weekday, start=start, end=end)
    add_weekly_window(owner, by=by, weekday=Weekday.FRIDAY, start=time(9), end=time(12))
    return [
        add_bookable_type(
            owner,
            by=by,
            name="Video session, 50 minutes",
            kind=AppointmentKind.VIDEO,
            duration_minutes=50,
            location="",
        ),
        add_bookable_type(
            owner,
            by=by,
            name="In-person session, 50 minutes",
            kind=AppointmentKind.IN_PERSON,
            duration_minutes=50,
            location="Room 2",
        ),
    ]
