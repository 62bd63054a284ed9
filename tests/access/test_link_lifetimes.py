from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portico.access.actions import (
    disable_portal_access,
    send_invite,
    send_password_reset,
    set_temporary_password,
)
from portico.access.links import consume_link, is_live
from portico.access.models import AccessLink, RevokeReason
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import LinkLifetime, Practice
from tests.cast import by

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
PASSWORD = "a long unusual phrase 42"


@pytest.mark.parametrize("hours", [choice.value for choice in LinkLifetime])
def test_an_invitation_lives_exactly_as_long_as_the_practice_setting(
    maple: Practice, casey: Client, owner: User, hours: int
) -> None:
    maple.invite_lifetime_hours = hours
    maple.save(update_fields=["invite_lifetime_hours"])
    casey.practice = maple
    with time_machine.travel(T0, tick=False):
        link = send_invite(casey, by=by(owner)).link
    expires = T0 + timedelta(hours=hours)
    assert link.expires_at == expires
    assert is_live(link, expires - timedelta(seconds=1))
    assert not is_live(link, expires)


@pytest.mark.parametrize("hours", [choice.value for choice in LinkLifetime])
def test_a_reset_link_lives_exactly_as_long_as_the_practice_setting(
    maple: Practice, casey: Client, owner: User, hours: int
) -> None:
    maple.reset_lifetime_hours = hours
    maple.save(update_fields=["reset_lifetime_hours"])
    casey.practice = maple
    set_temporary_password(casey, by=by(owner))
    with time_machine.travel(T0, tick=False):
        sent = send_password_reset(casey, by=by(owner))
    assert sent.kind == "reset"
    expires = T0 + timedelta(hours=hours)
    assert is_live(sent.link, expires - timedelta(seconds=1))
    assert not is_live(sent.link, expires)
    # Consumption obeys the same boundary.
    assert not consume_link(sent.link, expires)
    assert consume_link(sent.link, expires - timedelta(seconds=1))


def test_a_new_invitation_supersedes_the_earlier_one(
    maple: Practice, casey: Client, owner: User
) -> None:
    first = send_invite(casey, by=by(owner)).link
    second = send_invite(casey, by=by(owner)).link
    first.refresh_from_db()
    assert first.revoked_reason == RevokeReason.SUPERSEDED
    assert is_live(second)


def test_a_used_link_cannot_be_used_again(maple: Practice, casey: Client, owner: User) -> None:
    link = send_invite(casey, by=by(owner)).link
    actor = Actor.system()
    assert redeem_invite(link, by=actor, username=None, password=PASSWORD, at=T0.now(UTC))
    link.refresh_from_db()
    assert redeem_invite(link, by=actor, username=None, password=PASSWORD, at=T0.now(UTC)) is None


def test_disabling_access_revokes_every_live_link(
    maple: Practice, casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    disable_portal_access(casey, by=by(owner))
    link.refresh_from_db()
    assert link.revoked_reason == RevokeReason.ACCESS_DISABLED


def test_a_temporary_password_cancels_emailed_links(
    maple: Practice, casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    set_temporary_password(casey, by=by(owner))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_an_invitation_to_a_client_with_an_account_sends_a_reset_instead(
    maple: Practice, casey: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    sent = send_invite(casey, by=by(owner))
    assert sent.kind == "reset"
    assert sent.link.purpose == "password_reset"
    assert AccessLink.objects.filter(access__client=casey, purpose="client_invite").count() == 0
