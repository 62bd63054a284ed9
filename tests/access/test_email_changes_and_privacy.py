from __future__ import annotations

from portico.access.actions import send_invite
from portico.access.links import is_live
from portico.access.models import RevokeReason
from portico.access.people import change_client_email
from portico.access.status_reads import portal_status
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client, ClientEmail
from portico.mail.delivery import send_outbound_email
from portico.mail.models import OutboundEmail
from tests.cast import by, token_of


def test_changing_the_email_kills_links_sent_to_the_old_address(casey: Client, owner: User) -> None:
    link = send_invite(casey, by=by(owner)).link
    email = ClientEmail.objects.get(client=casey, is_default=True)
    change_client_email(email, by=Actor.for_user(owner), address="casey.new@example.com")
    link.refresh_from_db()
    assert not is_live(link)
    assert link.revoked_reason == RevokeReason.EMAIL_CHANGED
    status = portal_status(casey, link.created_at)
    assert status.state == "invite_revoked"
    assert "was changed" in status.explanation
    # The next invitation goes to the new address.
    assert send_invite(casey, by=by(owner)).link.email == "casey.new@example.com"


def test_the_token_is_gone_from_the_kept_email_after_delivery(casey: Client, owner: User) -> None:
    link = send_invite(casey, by=by(owner)).link
    token = token_of(link)
    email = OutboundEmail.objects.get(link=link)
    send_outbound_email(email.pk)
    email.refresh_from_db()
    assert email.body_purged_at is not None
    assert token not in email.text_body + email.html_body + email.subject


def test_invitation_emails_carry_no_date_of_birth(casey: Client, owner: User) -> None:
    link = send_invite(casey, by=by(owner)).link
    email = OutboundEmail.objects.get(link=link)
    for shown in ("1990", "04/12", "April"):
        assert shown not in email.text_body + email.html_body
