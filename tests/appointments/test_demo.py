"""The demo's appointments: today, this week, one past; the parent sees the child's."""

from __future__ import annotations

from django.utils import timezone

from portico.accounts.models import User
from portico.appointments.demo import seed_appointments_demo
from portico.appointments.models import Appointment, AppointmentKind
from portico.operations.demo import seed_access_states, seed_family
from portico.practices.models import Practice


def test_the_demo_books_today_this_week_and_one_past(maple: Practice, owner: User) -> None:
    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    made = seed_appointments_demo(maple, owner, clients, parent)
    assert len(made) == 4
    now = timezone.now()
    kinds = {a.kind for a in Appointment.objects.filter(starts_at__gt=now)}
    assert kinds == {AppointmentKind.VIDEO, AppointmentKind.IN_PERSON}
    assert Appointment.objects.filter(ends_at__lt=now).count() == 1
    assert Appointment.objects.filter(client__contacts__isnull=False).exists()
