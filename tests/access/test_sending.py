from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portico.access.actions import AccessRefused, SendLimitReached, send_invite
from portico.access.limits import check_send_allowance
from portico.access.models import AccessLink, LinkPurpose
from portico.accounts.models import User
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from tests.cast import access_of, by

T0 = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # 1:00 PM in New York


def test_an_invitation_goes_to_the_default_address_with_a_link(
    casey: Client, front_desk: User
) -> None:
    sent = send_invite(casey, by=by(front_desk))
    assert sent.kind == "invite"
    email = OutboundEmail.objects.get(link=sent.link)
    assert email.kind == EmailKind.INVITE
    assert email.to_address == "casey@example.com"
    assert "/welcome/" in email.text_body
    assert sent.link.purpose == LinkPurpose.CLIENT_INVITE


def test_a_client_without_email_cannot_be_invited(noah: Client, front_desk: User) -> None:
    with pytest.raises(AccessRefused, match="no email address"):
        send_invite(noah, by=by(front_desk))


def test_sends_one_to_five_pass_and_the_sixth_says_when_the_next_is_possible(
    casey: Client, front_desk: User
) -> None:
    for minute in range(5):
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            assert send_invite(casey, by=by(front_desk)).sends_left == 4 - minute
    with (
        time_machine.travel(T0 + timedelta(hours=2), tick=False),
        pytest.raises(SendLimitReached) as refused,
    ):
        send_invite(casey, by=by(front_desk))
    assert refused.value.allowance.next_available_at == T0 + timedelta(hours=24)
    assert "You can send again at Nov 22 at 1:00 PM" in refused.value.message
    assert AccessLink.objects.filter(access__client=casey).count() == 5


def test_a_send_becomes_available_exactly_24_hours_after_the_oldest(
    casey: Client, front_desk: User
) -> None:
    for minute in range(5):
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            send_invite(casey, by=by(front_desk))
    just_before = T0 + timedelta(hours=24) - timedelta(seconds=1)
    assert not check_send_allowance(access_of(casey), just_before).allowed
    assert check_send_allowance(access_of(casey), T0 + timedelta(hours=24)).sends_left == 1
    with time_machine.travel(T0 + timedelta(hours=24), tick=False):
        send_invite(casey, by=by(front_desk))
    assert not check_send_allowance(access_of(casey), T0 + timedelta(hours=24)).allowed
