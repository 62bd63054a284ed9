"""Family races that only PostgreSQL's row locks can show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from portico.access.actions import AccessRefused
from portico.access.family import send_contact_invite
from portico.access.family_registration import complete_contact_registration
from portico.access.models import AccessLink, PortalGrant
from portico.accounts.models import User
from portico.practices.models import Practice
from tests.access.family_helpers import invite, make_family
from tests.access.helpers import by
from tests.access.test_concurrency import _race
from tests.cast import PASSWORD

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://...")


def test_twenty_concurrent_sends_to_one_contact_stop_at_five(maple: Practice, owner: User) -> None:
    family = make_family(maple, owner)
    results = _race(20, lambda: send_contact_invite(family.pat_for_mia, by=by(owner)))
    refused = [r for r in results if isinstance(r, AccessRefused)]
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
    assert len(results) - len(refused) == 5
    assert AccessLink.objects.filter(contact=family.pat_for_mia).count() == 5
    # The other contact's allowance is untouched.
    assert send_contact_invite(family.pat_for_leo, by=by(owner)).sends_left == 4


def test_fifty_concurrent_redemptions_of_a_contact_link_make_one_account_and_one_grant(
    maple: Practice, owner: User
) -> None:
    family = make_family(maple, owner)
    link = invite(family.pat_for_mia, owner)

    def redeem() -> object:
        fresh = AccessLink.objects.select_related("client", "contact", "practice").get(pk=link.pk)
        return complete_contact_registration(
            fresh, by=by(owner), at=timezone.now(), password=PASSWORD
        )

    results = _race(50, redeem)
    assert not [r for r in results if isinstance(r, Exception)]
    assert len([r for r in results if isinstance(r, User)]) == 1
    assert User.objects.filter(kind="portal").count() == 1
    assert PortalGrant.objects.filter(client=family.mia).count() == 1
