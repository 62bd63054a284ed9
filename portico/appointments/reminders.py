"""The reminder email, sent by ``manage.py periodic`` (every minute) at each practice's lead time.

An appointment is due for its reminder from ``starts_at - reminder lead`` until it
starts. Each one is claimed with a conditional update (``reminder_sent_at`` still
empty, still booked) in the transaction that queues its emails: running the job
twice, or on two hosts at once, sends each reminder once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portico.appointments.emails import send_appointment_email
from portico.appointments.models import Appointment, AppointmentSettings, AppointmentStatus
from portico.mail.models import EmailKind

# The longest lead a practice can set (AppointmentSettings.reminder_lead_hours).
LONGEST_LEAD = timedelta(hours=168)
DEFAULT_LEAD = timedelta(hours=24)


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due now; returns how many appointments were reminded."""
    now = now or timezone.now()
    candidates = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at=None,
            starts_at__gt=now,
            starts_at__lte=now + LONGEST_LEAD,
        ).values_list("pk", "practice_id", "starts_at")
    )
    if not candidates:
        return 0
    leads = {
        practice_id: timedelta(hours=hours)
        for practice_id, hours in AppointmentSettings.objects.filter(
            practice_id__in={practice_id for _, practice_id, _ in candidates}
        ).values_list("practice_id", "reminder_lead_hours")
    }
    sent = 0
    for pk, practice_id, starts_at in candidates:
        if starts_at - leads.get(practice_id, DEFAULT_LEAD) <= now and _remind(pk, now):
            sent += 1
    return sent


@transaction.atomic
def _remind(pk: int, now: datetime) -> bool:
    claimed = Appointment.objects.filter(
        pk=pk, status=AppointmentStatus.BOOKED, reminder_sent_at=None
    ).update(reminder_sent_at=now)
    if claimed != 1:
        return False  # another run claimed it, or it was cancelled meanwhile
    appointment = Appointment.objects.select_related("practice", "client").get(pk=pk)
    send_appointment_email(appointment, EmailKind.APPOINTMENT_REMINDER)
    return True
