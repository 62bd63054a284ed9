from __future__ import annotations

from django.utils import timezone

from portico.access.status_reads import portal_statuses
from portico.accounts.models import User
from portico.operations.demo import seed_access_states
from portico.practices.models import Practice


def test_the_demo_has_a_client_in_every_portal_state(maple: Practice, owner: User) -> None:
    made = seed_access_states(maple, owner)
    statuses = portal_statuses(list(made.values()), timezone.now())
    states = {name: statuses[client.pk].state for name, client in made.items()}
    assert states == {
        "invited": "invited",
        "invite_expired": "invite_expired",
        "dob_locked": "invite_revoked",
        "active": "active",
        "locked": "locked",
        "disabled": "disabled",
        "temporary_password": "active",
    }
