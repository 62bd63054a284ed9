"""Staff changes on the People tab reach the contact's portal access for that client only."""

from __future__ import annotations

from portico.access.models import PortalAccess
from portico.access.people import remove_contact, update_contact
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.practices.models import Practice
from tests.cast import attach, invite, make_family, register_new


def _grants(user: User) -> set[str]:
    active = PortalAccess.objects.filter(user=user, ended_at=None)
    return set(active.values_list("client__first_name", flat=True))


def test_turning_a_contacts_access_off_ends_their_grant_for_that_child_only(
    maple: Practice, owner: User
) -> None:
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner))
    attach(invite(family.pat_for_leo, owner), pat)
    assert _grants(pat) == {"Mia", "Leo"}

    update_contact(family.pat_for_mia, by=Actor.for_user(owner), portal_access_enabled=False)

    assert _grants(pat) == {"Leo"}


def test_removing_a_contact_ends_their_grant_and_their_links(maple: Practice, owner: User) -> None:
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner))
    pending = invite(family.pat_for_leo, owner)

    remove_contact(family.pat_for_mia, by=Actor.for_user(owner))
    remove_contact(family.pat_for_leo, by=Actor.for_user(owner))

    assert _grants(pat) == set()
    pending.refresh_from_db()
    assert pending.revoked_reason == "contact_removed"


def test_a_new_email_for_a_contact_kills_old_links_but_keeps_their_account_working(
    maple: Practice, owner: User
) -> None:
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner))
    pending = invite(family.pat_for_leo, owner)

    update_contact(family.pat_for_leo, by=Actor.for_user(owner), email="pat.new@example.com")
    update_contact(family.pat_for_mia, by=Actor.for_user(owner), email="pat.new@example.com")

    pending.refresh_from_db()
    assert pending.revoked_reason == "email_changed"
    assert _grants(pat) == {"Mia"}
