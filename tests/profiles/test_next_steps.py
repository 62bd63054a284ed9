"""The profile's "Your next step" items: confirm the details (again after a year); staff see
how many changes wait for review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import set_urlconf
from django.utils import timezone

from portico.access.queries import own_access
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from portico.profiles.actions import confirm_profile, update_profile
from portico.profiles.next_steps import steps_for
from portico.profiles.queries import client_values
from tests.profiles.conftest import turn_on


@pytest.fixture(autouse=True)
def _inside_a_practice_request() -> Iterator[None]:
    """What the practice middleware does: URLs are the practice's (steps reverse them)."""
    set_urlconf(settings.PRACTICE_URLCONF)
    yield
    set_urlconf(None)


def texts(client: Client, *, staff: bool = False) -> list[str]:
    reader = None if staff else own_access(client)
    steps = steps_for(client, reader=reader)
    return [step.staff_text if staff else step.portal_text for step in steps]


def test_a_client_who_never_confirmed_is_asked_to(features_on: Practice, casey: Client) -> None:
    steps = steps_for(casey, reader=own_access(casey))
    assert [(s.portal_text, s.rank, s.count) for s in steps] == [
        ("Confirm your contact details", 20, 1)
    ]
    assert steps[0].url == "/profile/"
    assert texts(casey, staff=True) == ["Contact details never confirmed by the client"]


def test_confirmed_details_are_not_asked_for_again_until_a_year_has_passed(
    features_on: Practice, casey: Client, owner: User
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirm_profile(casey, by=Actor.for_user(owner))
    with time_machine.travel(start + timedelta(days=365) - timedelta(seconds=1), tick=False):
        assert texts(casey) == []
    with time_machine.travel(start + timedelta(days=365), tick=False):
        assert texts(casey) == ["Confirm your contact details"]
        assert texts(casey, staff=True) == ["Contact details not confirmed in the last year"]


def test_staff_see_how_many_changes_wait_and_the_client_does_not(
    features_on: Practice, casey: Client, owner: User
) -> None:
    confirm_profile(casey, by=Actor.for_user(owner))
    update_profile(
        casey,
        by=Actor.for_user(owner),
        access=None,
        values=client_values(casey) | {"city": "Bend", "region": "OR"},
    )
    assert texts(casey, staff=True) == ["2 profile changes to review"]
    assert texts(casey) == []


def test_the_steps_cost_at_most_two_queries(
    features_on: Practice, casey: Client, django_assert_max_num_queries: object
) -> None:
    access = own_access(casey)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        steps_for(casey, reader=access)
        steps_for(casey, reader=None)


def test_the_portal_asks_nothing_of_the_profile_while_it_is_off(
    maple: Practice, casey: Client
) -> None:
    from portico.portal.next_steps import next_steps

    turn_on(maple, PortalFeature.INSURANCE)
    casey.refresh_from_db()
    assert [s for s in next_steps(casey, reader=None) if s.feature == PortalFeature.PROFILE] == []
