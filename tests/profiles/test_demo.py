"""The demo has a pending address change and insurance with a real card photo on file."""

from __future__ import annotations

from pathlib import Path

from portico.accounts.models import User
from portico.files.actions import read_stored_file
from portico.files.kinds import PNG, detect_kind
from portico.operations.demo import seed_access_states, seed_family
from portico.practices.models import PortalFeature, Practice
from portico.profiles.demo import seed_profile_demo
from portico.profiles.models import InsurancePolicy, ProfileChange
from tests.profiles.conftest import stored_paths


def test_the_demo_seeds_a_pending_change_and_a_card_photo(
    maple: Practice, owner: User, private_files: Path
) -> None:
    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    seed_profile_demo(maple, owner, clients, parent)
    maple.refresh_from_db()
    assert {PortalFeature.PROFILE, PortalFeature.INSURANCE} <= set(maple.portal_features)
    assert maple.profile_changes_reviewed
    alex = clients["active"]
    pending = set(
        ProfileChange.objects.filter(client=alex, status="pending").values_list("field", flat=True)
    )
    assert {"address_line1", "city", "postal_code"} <= pending
    policy = InsurancePolicy.objects.get(client=alex, rank="primary")
    assert policy.card_front is not None
    assert detect_kind(read_stored_file(policy.card_front)[:16]) is PNG
    assert len(stored_paths(private_files)) == 1
