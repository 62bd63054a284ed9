"""The practice's self-scheduling rules, and who publishes whose availability.

Mirrors portico.appointments.rules: a clinician publishes their own availability
and appointment types; owners, administrators and front desk publish anyone's.
Another clinician's page answers 404 to a clinician.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from portico.appointments.queries import bookable_for
from portico.scheduling.models import SchedulingSettings

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.practices.models import Practice


def scheduling_settings_of(practice: Practice) -> SchedulingSettings:
    """The practice's rules, made with the defaults the first time they are asked for."""
    found, _ = SchedulingSettings.objects.get_or_create(practice=practice)
    return found


def get_clinician_for_staff(user: User, practice: Practice, clinician_id: object) -> User:
    """A clinician whose availability ``user`` may publish; 404 for anyone else."""
    try:
        found = bookable_for(user, practice).filter(pk=int(str(clinician_id))).first()
    except ValueError:
        found = None
    if found is None:
        raise Http404("No such clinician.")
    return found


def may_publish_for(user: User, clinician: User) -> bool:
    return bookable_for(user, clinician.practice).filter(pk=clinician.pk).exists()
