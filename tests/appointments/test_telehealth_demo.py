"""The demo's telehealth: one video appointment joinable now, one blocked by missing consent."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.appointments.demo import seed_appointments_demo
from portico.appointments.telehealth import Blocked, join_state
from portico.appointments.telehealth_demo import DEMO_ROOM, seed_telehealth_demo
from portico.lib.localtime import local
from portico.operations.demo import seed_access_states, seed_family
from portico.practices.models import PortalFeature, Practice


def test_the_demo_has_one_joinable_now_and_one_blocked_by_consent_today(
    maple: Practice, owner: User
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.TELEHEALTH]
    maple.save(update_fields=["portal_features"])
    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    seed_appointments_demo(maple, owner, clients, parent)
    joinable, blocked = seed_telehealth_demo(maple, owner, clients, parent)
    maple.refresh_from_db()
    assert PortalFeature.TELEHEALTH in maple.portal_features
    now = timezone.now()
    alex = PortalAccess.objects.get(client=clients["active"], contact=None)
    theo = PortalAccess.objects.get(client=blocked.client, user=parent)
    assert join_state(joinable, alex, now).room_url == DEMO_ROOM
    assert join_state(joinable, alex, now).can_join
    with time_machine.travel(now + timedelta(minutes=40), tick=False):
        assert join_state(joinable, alex, timezone.now()).can_join  # still, for a while
    later = join_state(blocked, theo, blocked.starts_at)
    assert later.blocked == Blocked.CONSENT
    assert blocked.client.first_name == "Theo"
    assert local(maple, joinable.starts_at).date() == local(maple, now).date() or (
        local(maple, joinable.ends_at).date() == local(maple, now).date()
    )
