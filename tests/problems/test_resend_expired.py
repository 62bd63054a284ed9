"""Resend all expired invitations: through the bulk invitation, within the per-person limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.bulk import run_bulk_invite, start_bulk_invite
from portico.access.models import AccessLink, BulkInvite
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from portico.problems.queries import access_problems
from portico.problems.resend import plan_expired_resend, start_expired_resend
from tests.cast import Family, at, by, invite, make_client

LONG_AGO = timedelta(days=3)


def expired_invitation(client: Client, owner: User) -> None:
    with time_machine.travel(timezone.now() - LONG_AGO):
        send_invite(client, by=by(owner))


@pytest.fixture
def erin(maple: Practice, owner: User) -> Client:
    erin = make_client(maple, owner, "Erin", "Expired", emails=("erin@example.com",))
    expired_invitation(erin, owner)
    return erin


@pytest.fixture
def limited(maple: Practice, owner: User) -> Client:
    """Five staff sends in the last day, the latest already expired (a short-lived link)."""
    lim = make_client(maple, owner, "Lim", "Limit", emails=("lim@example.com",))
    for _ in range(5):
        send_invite(lim, by=by(owner))
    latest = AccessLink.objects.filter(access__client=lim).order_by("-created_at", "-id").first()
    assert latest is not None
    AccessLink.objects.filter(pk=latest.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return lim


def test_the_plan_names_who_gets_one_and_who_is_skipped_and_why(
    maple: Practice, owner: User, erin: Client, limited: Client, family: Family, casey: Client
) -> None:
    with time_machine.travel(timezone.now() - LONG_AGO):
        invite(family.pat_for_mia, owner)
    plan = plan_expired_resend(maple, timezone.now())
    assert [c.first_name for c in plan.clients] == ["Erin"]
    skipped = {s.name: s.why for s in plan.skipped}
    assert skipped["Pat Parent (parent of Mia Parent)"].startswith("a parent or other contact")
    assert skipped["Lim Limit"].startswith("already sent 5 invitation or reset emails")
    assert "Casey" not in str(plan)  # never invited: not an expired invitation


def test_the_bulk_run_invites_only_the_expired_and_their_rows_go(
    maple: Practice, owner: User, erin: Client, limited: Client, casey: Client
) -> None:
    bulk = start_expired_resend(maple, by=by(owner), at=timezone.now())
    run_bulk_invite.call(bulk.pk)
    bulk.refresh_from_db()
    assert (bulk.sent, bulk.skipped) == (1, 0)
    invited = OutboundEmail.objects.filter(kind=EmailKind.INVITE, client=erin)
    assert invited.count() == 2  # the expired one and the new one
    assert not AccessLink.objects.filter(access__client=casey).exists()  # not yet invited: left
    kinds = {(p.kind, p.client.first_name) for p in access_problems(maple, timezone.now())}
    assert kinds == {("expired", "Lim")}
    event = AuditEvent.objects.get(action="problems.expired_resend.started")
    assert event.details == {"bulk_invite": str(bulk.public_id), "clients": 1}


def test_someone_resent_by_hand_meanwhile_is_not_emailed_twice(
    maple: Practice, owner: User, erin: Client
) -> None:
    bulk = start_expired_resend(maple, by=by(owner), at=timezone.now())
    send_invite(erin, by=by(owner))
    run_bulk_invite.call(bulk.pk)
    bulk.refresh_from_db()
    assert (bulk.sent, bulk.not_eligible) == (0, {"invited": 1})
    assert OutboundEmail.objects.filter(kind=EmailKind.INVITE, client=erin).count() == 2


def test_nothing_starts_while_another_bulk_invitation_runs_or_with_nobody_to_resend(
    maple: Practice, owner: User, casey: Client
) -> None:
    with pytest.raises(ValidationError, match="No expired invitation"):
        start_expired_resend(maple, by=by(owner), at=timezone.now())
    expired_invitation(casey, owner)
    start_bulk_invite(maple, by=by(owner))
    with pytest.raises(ValidationError, match="under way"):
        start_expired_resend(maple, by=by(owner), at=timezone.now())
    assert BulkInvite.objects.count() == 1


def test_the_page_offers_it_and_the_confirm_page_starts_it(
    maple: Practice, erin: Client, owner_http: HttpClient
) -> None:
    listing = owner_http.get(at(maple, "problems:list")).content.decode()
    assert "Resend all expired invitations" in listing
    confirm = owner_http.get(at(maple, "problems:resend_expired")).content.decode()
    assert "Erin Expired" in confirm and "Send 1 invitation" in confirm
    response = owner_http.post(at(maple, "problems:resend_expired"))
    bulk = BulkInvite.objects.get()
    assert response["Location"] == at(maple, "access:bulk_invite_progress", bulk.public_id)


def test_an_outsider_cannot_start_it(
    maple: Practice, erin: Client, outsider_http: HttpClient
) -> None:
    assert outsider_http.post(at(maple, "problems:resend_expired")).status_code in (302, 404)
    assert not BulkInvite.objects.exists()
