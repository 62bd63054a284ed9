"""The practice's appointment rules (notice period, reminder lead) and who may book for whom.

No capability is added to the roles table: every staff member works with
appointments; a clinician only with their own (another clinician's appointment
answers 404 to them), front desk, administrators and owners with everyone's.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from portico.appointments.models import Appointment, AppointmentSettings
from portico.practices.models import Role

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.practices.models import Practice

# Who can be booked as the clinician of an appointment (front desk staff see no clients).
BOOKABLE_ROLES = (Role.OWNER, Role.ADMIN, Role.CLINICIAN)


def settings_of(practice: Practice) -> AppointmentSettings:
    """The practice's rules, made with the defaults the first time they are asked for."""
    found, _ = AppointmentSettings.objects.get_or_create(practice=practice)
    return found


def sees_only_own(user: User) -> bool:
    """A clinician works with their own appointments only."""
    membership = getattr(user, "membership", None)
    return membership is None or membership.role == Role.CLINICIAN


def client_may_cancel(appointment: Appointment, rules: AppointmentSettings, now: datetime) -> bool:
    """Until exactly the notice period before the start (24 h before 3:00 PM: up to 3:00 PM).

    A request the practice has not confirmed yet can be withdrawn until it starts.
    """
    if appointment.is_requested:
        return now < appointment.starts_at
    return appointment.is_booked and now <= appointment.starts_at - rules.cancellation_notice
