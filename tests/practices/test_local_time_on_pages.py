"""Pages show times on the practice's clock, not the server's (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.actions import archive_client
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at, by


def test_a_date_on_a_staff_page_is_the_practices_date_not_utcs(
    maple: Practice, owner: User, owner_http: HttpClient, casey: Client
) -> None:
    maple.timezone = "America/Los_Angeles"
    maple.save(update_fields=["timezone"])
    # 03:00 on January 2 in UTC is still the evening of January 1 in California.
    with time_machine.travel(datetime(2026, 1, 2, 3, 0, tzinfo=UTC), tick=False):
        archive_client(casey, by=by(owner))

    page = owner_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()

    assert "Hidden from the client list since Jan 1, 2026" in page


def test_the_practice_clock_does_not_leak_into_the_next_request(
    maple: Practice, owner_http: HttpClient
) -> None:
    maple.timezone = "Pacific/Auckland"
    maple.save(update_fields=["timezone"])
    owner_http.get(at(maple, "clients:list"))

    assert timezone.get_current_timezone_name() == "UTC"
