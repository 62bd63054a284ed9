"""Contacts' own invitations, resend limits, statuses, registration and the end of their access."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portico.access.actions import AccessRefused, SendLimitReached, send_invite
from portico.access.links import is_live
from portico.access.models import AccessLink, PortalAccess, RevokeReason
from portico.access.people import update_contact
from portico.access.registration import CannotAttach, redeem_invite
from portico.access.status_reads import contact_status, contact_statuses
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import (
    PASSWORD,
    PAT_EMAIL,
    Family,
    attach,
    by,
    end_contact_access,
    invite,
    make_client,
    parent_of,
    register_new,
)


def turn_off(contact: object, owner: User) -> None:
    update_contact(contact, by=by(owner), portal_access_enabled=False)  # type: ignore[arg-type]


START = "2026-03-02 09:00:00+00:00"


# --- sending ---------------------------------------------------------------------------------


def test_a_contact_invite_is_a_client_invite_for_the_client_with_the_contact_as_subject(
    family: Family, owner: User
) -> None:
    link = invite(family.pat_for_mia, owner)
    assert link.purpose == "client_invite"
    assert link.access is not None
    assert link.access.client == family.mia and link.access.contact == family.pat_for_mia
    assert link.email == PAT_EMAIL
    assert link.expires_at - link.created_at == family.mia.practice.invite_lifetime


def test_a_contact_without_portal_access_or_email_is_not_invited(
    family: Family, owner: User
) -> None:
    contact = family.pat_for_mia
    turn_off(contact, owner)
    with pytest.raises(AccessRefused, match="turned off"):
        invite(contact, owner)
    PortalAccess.objects.filter(contact=contact).update(enabled=True, ended_at=None)
    contact.email = ""
    contact.save(update_fields=["email"])
    with pytest.raises(AccessRefused, match="no email address"):
        invite(contact, owner)


def test_a_contact_invite_supersedes_only_that_contacts_links(
    family: Family, owner: User, maple: Practice
) -> None:
    family.mia.emails.create(practice=maple, address="mia@example.com", is_default=True)
    own = send_invite(family.mia, by=by(owner)).link
    other_parent = parent_of(family.mia, owner, first="Sam", email="sam@example.com")
    sams = invite(other_parent, owner)
    first = invite(family.pat_for_mia, owner)
    second = invite(family.pat_for_mia, owner)
    for link in (own, sams, first, second):
        link.refresh_from_db()
    assert first.revoked_reason == RevokeReason.SUPERSEDED
    assert is_live(second) and is_live(own) and is_live(sams)


def test_resend_limits_count_per_person_the_client_and_each_contact_separately(
    family: Family, owner: User, maple: Practice
) -> None:
    family.mia.emails.create(practice=maple, address="mia@example.com", is_default=True)
    sam = parent_of(family.mia, owner, first="Sam", email="sam@example.com")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            send_invite(family.mia, by=by(owner))
            invite(family.pat_for_mia, owner)
            invite(sam, owner)
        for send in (
            lambda: send_invite(family.mia, by=by(owner)),
            lambda: invite(family.pat_for_mia, owner),
            lambda: invite(sam, owner),
        ):
            with pytest.raises(SendLimitReached):
                send()
    assert AccessLink.objects.filter(access__client=family.mia).count() == 15


def test_a_contacts_sixth_send_is_refused_until_the_first_is_24_hours_old(
    family: Family, owner: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            invite(family.pat_for_mia, owner)
            clock.shift(60)
        with pytest.raises(SendLimitReached, match="Pat Parent") as refused:
            invite(family.pat_for_mia, owner)
        assert refused.value.allowance.next_available_at is not None
        clock.move_to("2026-03-03 08:59:59+00:00")
        with pytest.raises(SendLimitReached):
            invite(family.pat_for_mia, owner)
        clock.move_to("2026-03-03 09:00:00+00:00")
        sent = invite(family.pat_for_mia, owner)
        assert sent.access is not None
        assert sent.access.contact == family.pat_for_mia
    # The guardian's sends left the child's own five untouched.
    assert contact_status(family.pat_for_leo, timezone.now()).sends_left == 5


# --- registering ----------------------------------------------------------------------------


def test_a_parent_of_two_children_registers_once_and_attaches_the_second_invite(
    family: Family, owner: User
) -> None:
    first, second = invite(family.pat_for_mia, owner), invite(family.pat_for_leo, owner)
    pat = register_new(first)
    assert attach(second, pat) == pat
    assert User.objects.filter(kind="portal").count() == 1
    grants = PortalAccess.objects.filter(user=pat, ended_at=None)
    assert {g.client for g in grants} == {family.mia, family.leo}
    assert {g.is_own for g in grants} == {False}
    registered = AuditEvent.objects.filter(action="access.registered", subject_user=pat)
    assert {e.details["for_client"] for e in registered} == {
        str(family.mia.public_id),
        str(family.leo.public_id),
    }
    assert {e.details["as_contact"] for e in registered} == {
        str(family.pat_for_mia.public_id),
        str(family.pat_for_leo.public_id),
    }


def test_a_contact_link_is_spent_once(family: Family, owner: User) -> None:
    link = invite(family.pat_for_mia, owner)
    register_new(link)
    assert redeem_invite(link, by=by(owner), at=timezone.now(), password=PASSWORD) is None


def test_a_staff_account_or_another_practices_account_cannot_take_a_grant(
    family: Family, owner: User, outsider: User
) -> None:
    link = invite(family.pat_for_mia, owner)
    for account in (owner, outsider):
        with pytest.raises(CannotAttach):
            attach(link, account)
    link.refresh_from_db()
    assert is_live(link)


def test_two_contacts_sharing_an_email_stay_two_people_unless_one_signs_in_as_the_other(
    maple: Practice, owner: User
) -> None:
    ava = make_client(maple, owner, "Ava", "Shared")
    mum = parent_of(ava, owner, first="Mum", email="home@example.com")
    dad = parent_of(ava, owner, first="Dad", email="home@example.com")
    mum_account = register_new(invite(mum, owner))
    dad_account = register_new(invite(dad, owner), username="dad.shared")
    assert mum_account != dad_account
    assert mum_account.email == dad_account.email == "home@example.com"
    grants = PortalAccess.objects.filter(client=ava, ended_at=None, user__isnull=False)
    assert {(g.user_id, g.contact_id) for g in grants} == {
        (mum_account.pk, mum.pk),
        (dad_account.pk, dad.pk),
    }


def test_a_client_who_is_also_a_contact_keeps_one_account_with_both_grants(
    family: Family, owner: User, maple: Practice
) -> None:
    casey = make_client(maple, owner, "Casey", "Self", emails=("casey.self@example.com",))
    own = redeem_invite(
        send_invite(casey, by=by(owner)).link,
        by=by(owner),
        username=None,
        password=PASSWORD,
        at=timezone.now(),
    )
    assert own is not None
    as_guardian = parent_of(family.mia, owner, first="Casey", email="casey.self@example.com")
    attach(invite(as_guardian, owner), own)
    accesses = PortalAccess.objects.filter(user=own, ended_at=None)
    assert {access.is_own for access in accesses} == {True, False}


# --- ending access --------------------------------------------------------------------------


def test_ending_a_contacts_access_revokes_their_links_and_grant_for_that_client_only(
    family: Family, owner: User
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    attach(invite(family.pat_for_leo, owner), pat)
    pending = invite(family.pat_for_mia, owner)  # a newer invitation, still live
    ended = end_contact_access(
        family.pat_for_mia, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    assert ended.grant_ended and ended.links_revoked == 1
    pending.refresh_from_db()
    assert pending.revoked_reason == RevokeReason.REVOKED_BY_STAFF
    live = PortalAccess.objects.filter(user=pat, ended_at=None)
    assert [g.client for g in live] == [family.leo]
    event = AuditEvent.objects.get(action="access.contact.ended")
    assert event.client == family.mia and event.subject_user == pat
    assert event.details["reason"] == "revoked_by_staff"


def test_disabling_the_clients_own_access_leaves_a_guardians_invitation_alive(
    family: Family, owner: User, maple: Practice
) -> None:
    from portico.access.actions import disable_portal_access

    link = invite(family.pat_for_mia, owner)
    disable_portal_access(family.mia, by=by(owner))
    link.refresh_from_db()
    assert is_live(link)


# --- status ---------------------------------------------------------------------------------


def test_a_contacts_status_moves_from_not_invited_to_invited_to_active_to_ended(
    family: Family, owner: User
) -> None:
    contact = family.pat_for_mia
    assert contact_status(contact, timezone.now()).headline == "Not invited"
    link = invite(contact, owner)
    invited = contact_status(contact, timezone.now())
    assert invited.headline == "Invited" and PAT_EMAIL in invited.detail
    assert invited.primary_action == "resend_invite"
    with time_machine.travel(link.expires_at, tick=False):
        assert contact_status(contact, timezone.now()).headline == "Invite expired"
    pat = register_new(link)
    active = contact_status(contact, timezone.now())
    assert active.headline == "Active" and pat.username in active.detail
    assert "has not signed in yet" in active.detail
    end_contact_access(contact, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    assert contact_status(contact, timezone.now()).headline == "Access ended"
    invite(contact, owner)
    assert contact_status(contact, timezone.now()).headline == "Invited"


def test_a_contact_with_access_off_says_so(family: Family, owner: User) -> None:
    contact = family.pat_for_mia
    turn_off(contact, owner)
    status = contact_status(contact, timezone.now())
    assert status.headline == "Access off" and status.primary_action is None


def test_missing_telehealth_consent_is_said_in_words_on_the_staff_status(
    family: Family, owner: User
) -> None:
    note = contact_status(family.pat_for_mia, timezone.now()).consent_note
    assert "No telehealth consent recorded" in note


def test_statuses_of_many_contacts_take_a_constant_number_of_queries(
    maple: Practice, owner: User
) -> None:
    def measure(count: int) -> int:
        client = make_client(maple, owner, f"Kid{count}", "Many")
        contacts = [parent_of(client, owner, first=f"P{i}") for i in range(count)]
        for contact in contacts:
            invite(contact, owner)
        rows = list(
            type(contacts[0]).objects.filter(client=client).select_related("client__practice")
        )
        with CaptureQueriesContext(connection) as queries:
            contact_statuses(rows, timezone.now())
        return len(queries)

    assert measure(2) == measure(8) <= 4


def test_the_clients_own_status_ignores_contact_links(family: Family, owner: User) -> None:
    from portico.access.status_reads import portal_status

    invite(family.pat_for_mia, owner)
    status = portal_status(Client.objects.get(pk=family.mia.pk), timezone.now())
    assert status.headline == "Not invited" and status.sends_left == 5
