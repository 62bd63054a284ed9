"""Concurrent bookings for one clinician: the row lock lets exactly one overlapping one in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from portico.accounts.models import User
from portico.appointments.models import Appointment
from portico.clients.models import Client
from tests.access.test_concurrency import _race
from tests.appointments.conftest import book, in_days

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


def test_twenty_concurrent_overlapping_bookings_for_one_clinician_book_exactly_one(
    casey: Client, clinician: User, owner: User
) -> None:
    start = in_days(3)
    offsets = iter(range(20))

    def attempt() -> object:
        return book(
            casey, by=owner, clinician=clinician, starts_at=start + timedelta(minutes=next(offsets))
        )

    results = _race(20, attempt)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
    assert len(results) - len(refused) == 1
    assert Appointment.objects.filter(clinician=clinician).count() == 1
    assert all("already has an appointment" in str(r) for r in refused)
