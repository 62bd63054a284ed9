from __future__ import annotations

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.operations.demo import seed_family
from portico.practices.models import Practice


def test_the_demo_family_is_one_parent_account_with_two_childrens_grants(
    maple: Practice, owner: User
) -> None:
    parent = seed_family(maple, owner)
    assert User.objects.filter(kind="portal").count() == 1
    grants = PortalAccess.objects.filter(user=parent, ended_at=None)
    assert sorted(g.client.first_name for g in grants) == ["Maya", "Theo"]
