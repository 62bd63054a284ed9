"""Family races that only PostgreSQL's row locks can show."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portico.access.actions import AccessRefused, send_contact_invite
from portico.access.models import AccessLink, PortalAccess
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.practices.models import Practice
from tests.access.test_concurrency import _race
from tests.cast import PASSWORD, by, invite, make_family

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


def test_twenty_concurrent_sends_to_one_contact_stop_at_five(maple: Practice, owner: User) -> None:
    family = make_family(maple, owner)
    results = _race(20, lambda: send_contact_invite(family.pat_for_mia, by=by(owner)))
    refused = [r for r in results if isinstance(r, AccessRefused)]
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
    assert len(results) - len(refused) == 5
    assert AccessLink.objects.filter(access__contact=family.pat_for_mia).count() == 5
    # The other contact's allowance is untouched.
    assert send_contact_invite(family.pat_for_leo, by=by(owner)).sends_left == 4


def test_fifty_concurrent_redemptions_of_a_contact_link_make_one_account_and_one_grant(
    maple: Practice, owner: User
) -> None:
    family = make_family(maple, owner)
    link = invite(family.pat_for_mia, owner)

    def redeem() -> object:
        fresh = AccessLink.objects.select_related(
            "access__client", "access__contact", "practice"
        ).get(pk=link.pk)
        return redeem_invite(fresh, by=by(owner), at=timezone.now(), password=PASSWORD)

    results = _race(50, redeem)
    assert not [r for r in results if isinstance(r, Exception)]
    assert len([r for r in results if isinstance(r, User)]) == 1
    assert User.objects.filter(kind="portal").count() == 1
    assert PortalAccess.objects.filter(client=family.mia, user__isnull=False).count() == 1
