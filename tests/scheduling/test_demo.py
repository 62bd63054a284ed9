"""The demo: self-scheduling on, the owner bookable on weekdays, two types with open times."""

from __future__ import annotations

from django.utils import timezone

from portico.accounts.models import User
from portico.operations.demo import seed_access_states, seed_family
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature, Practice
from portico.scheduling.demo import seed_scheduling_demo
from portico.scheduling.rules import scheduling_settings_of
from portico.scheduling.slots import open_times


def test_the_demo_publishes_the_owners_weekday_hours_and_two_types(
    maple: Practice, owner: User
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.SELF_SCHEDULING]
    maple.save(update_fields=["portal_features"])
    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    types = seed_scheduling_demo(maple, owner, clients, parent)
    maple.refresh_from_db()
    assert feature_on(maple, PortalFeature.SELF_SCHEDULING)
    assert [t.name for t in types] == ["Video session, 50 minutes", "In-person session, 50 minutes"]
    rules = scheduling_settings_of(maple)
    for bookable in types:
        assert len(open_times(bookable, rules, timezone.now())) > 20
