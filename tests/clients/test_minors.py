"""Minors: the age rule at the birthday boundary, and what adding a minor turns on and off."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.models import AccessLink
from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.clients.minors import coming_of_age_date, is_minor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at, make_client


@pytest.mark.parametrize(
    ("born", "on", "minor"),
    [
        (date(2007, 11, 21), date(2025, 11, 20), True),  # the day before the 18th birthday
        (date(2007, 11, 21), date(2025, 11, 21), False),  # the birthday itself
        (date(2008, 2, 29), date(2026, 2, 28), True),  # no Feb 29 in 2026: still 17 ...
        (date(2008, 2, 29), date(2026, 3, 1), False),  # ... until Mar 1
        (date(2006, 2, 28), date(2024, 2, 28), False),
        (date(2004, 2, 29), date(2022, 3, 1), False),
        (date(2012, 2, 29), date(2030, 2, 28), True),
    ],
)
def test_a_client_is_a_minor_until_the_birthday_of_majority(
    maple: Practice, owner: User, born: date, on: date, minor: bool
) -> None:
    client = make_client(maple, owner, "Casey", "Young", dob=born)
    assert is_minor(client, on) is minor


def test_a_feb_29_birthday_comes_of_age_on_mar_1_in_other_years() -> None:
    assert coming_of_age_date(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert coming_of_age_date(date(2006, 2, 28), 18) == date(2024, 2, 28)
    assert coming_of_age_date(date(2004, 2, 29), 20) == date(2024, 2, 29)


def test_the_practice_setting_decides_the_age_of_majority(maple: Practice, owner: User) -> None:
    client = make_client(maple, owner, "Casey", "Young", dob=date(2006, 6, 1))
    assert not is_minor(client, date(2025, 6, 1))
    maple.age_of_majority = 20
    maple.save(update_fields=["age_of_majority"])
    client.refresh_from_db()
    assert is_minor(client, date(2025, 6, 1))


ADD = {
    "first_name": "Casey",
    "last_name": "Young",
    "date_of_birth": "03/04/2010",
    "email": "casey.young@example.com",
    "portal_access_enabled": "on",
    "email_notifications_enabled": "on",
}


@time_machine.travel("2025-11-21 15:00Z")
def test_a_client_added_as_a_minor_starts_without_their_own_portal_access(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    response = front_desk_http.post(at(maple, "clients:add"), ADD, follow=True)
    client = Client.objects.get(first_name="Casey")
    assert not access_is_on(client)
    assert not AccessLink.objects.filter(
        access__client=client
    ).exists()  # no invitation went out for the minor
    text = response.content.decode()
    assert "Casey is a minor, so their own portal access is off; add a parent or guardian" in text
    assert "Minor (15)" in text


@time_machine.travel("2025-11-21 15:00Z")
def test_an_adult_added_keeps_the_portal_access_staff_chose(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    response = front_desk_http.post(
        at(maple, "clients:add"), ADD | {"date_of_birth": "11/21/2007"}, follow=True
    )
    assert access_is_on(Client.objects.get(first_name="Casey"))
    assert b"is a minor" not in response.content
    assert b"Minor (" not in response.content


@time_machine.travel("2025-11-21 15:00Z")
def test_a_minors_first_contact_form_starts_as_a_primary_contact_with_portal_access(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    minor = make_client(maple, owner, "Casey", "Young", dob=date(2010, 3, 4))
    html = front_desk_http.get(at(maple, "clients:add_contact", minor.public_id)).content.decode()
    for name in ("is_primary", "portal_access_enabled"):
        tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
        assert tag is not None and " checked" in tag[0], name


@time_machine.travel("2025-11-21 15:00Z")
def test_an_adults_contact_form_starts_with_portal_access_off(
    casey: Client, front_desk_http: HttpClient
) -> None:
    html = front_desk_http.get(
        at(casey.practice, "clients:add_contact", casey.public_id)
    ).content.decode()
    for name in ("is_primary", "portal_access_enabled"):
        tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
        assert tag is not None and " checked" not in tag[0], name
