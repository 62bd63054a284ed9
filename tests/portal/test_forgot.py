from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient

from portico.access.actions import disable_portal_access, send_invite
from portico.access.models import AccessLink, LinkPurpose
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import at

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def ask(practice: Practice, page: str, value: str, *, ip: str = "203.0.113.7") -> tuple[int, str]:
    field = "email" if page == "portal:forgot_username" else "identifier"
    response = HttpClient(REMOTE_ADDR=ip).post(at(practice, page), {field: value})
    return response.status_code, CSRF.sub("", response.content.decode())


def outcomes(action: str) -> list[str]:
    return [e.details["outcome"] for e in AuditEvent.objects.filter(action=action).order_by("pk")]


@pytest.fixture
def disabled_casey(casey: Client, owner: User, casey_account: User) -> User:
    disable_portal_access(casey, by=Actor.for_user(owner))
    return casey_account


def test_forgot_password_answers_the_same_for_existing_unknown_and_disabled_accounts(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    maple.phone = "555-0100"
    maple.save(update_fields=["phone"])
    existing = ask(maple, "portal:forgot_password", "casey@example.com")
    unknown = ask(maple, "portal:forgot_password", "nobody@example.com")
    disable_portal_access(casey, by=Actor.for_user(owner))
    disabled = ask(maple, "portal:forgot_password", "casey")
    assert existing == unknown == disabled
    status, page = existing
    assert status == 200
    assert "If an account matches, we've emailed a link" in page
    assert "It works once and expires in 24 hours" in page
    assert "Check your spam" in page
    assert "Nothing arrived? Contact Maple Counseling at" in page and "555-0100" in page


def test_forgot_password_sends_a_reset_link_only_to_an_active_account(
    maple: Practice, casey_account: User
) -> None:
    ask(maple, "portal:forgot_password", "nobody@example.com")
    assert not OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).exists()
    ask(maple, "portal:forgot_password", "casey")
    email = OutboundEmail.objects.get(kind=EmailKind.PASSWORD_RESET)
    assert email.to_address == "casey@example.com"
    link = AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET)
    assert link.access is not None and link.access.user == casey_account
    assert link.expires_at - link.created_at == maple.reset_lifetime
    assert outcomes("access.reset.requested") == ["unknown_account", "sent"]


def test_the_reset_link_lifetime_follows_the_practice_setting(
    maple: Practice, casey_account: User
) -> None:
    maple.reset_lifetime_hours = 168
    maple.save(update_fields=["reset_lifetime_hours"])
    _, page = ask(maple, "portal:forgot_password", "casey")
    assert "expires in 1 week" in page
    link = AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET)
    assert link.expires_at - link.created_at == maple.reset_lifetime


def test_nothing_is_sent_for_a_disabled_account_and_the_log_says_why(
    maple: Practice, disabled_casey: User
) -> None:
    ask(maple, "portal:forgot_password", "casey")
    ask(maple, "portal:forgot_username", "casey@example.com")
    assert not OutboundEmail.objects.filter(
        kind__in=[EmailKind.PASSWORD_RESET, EmailKind.USERNAME_REMINDER]
    ).exists()
    assert outcomes("access.reset.requested") == ["disabled"]
    assert outcomes("access.username.requested") == ["disabled"]


def test_an_unknown_account_is_audited_without_a_client(maple: Practice) -> None:
    ask(maple, "portal:forgot_password", "nobody")
    event = AuditEvent.objects.get(action="access.reset.requested")
    assert event.client is None and event.subject_user is None
    assert event.details == {"identifier_kind": "username", "outcome": "unknown_account"}


def test_a_reset_request_supersedes_the_clients_earlier_links(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    staff_sent = send_invite(casey, by=Actor.for_user(owner))  # a reset, as the account exists
    ask(maple, "portal:forgot_password", "casey")
    staff_sent.link.refresh_from_db()
    assert staff_sent.link.revoked_reason == "superseded"


def test_forgot_password_is_limited_per_identifier(maple: Practice, casey_account: User) -> None:
    for number in range(4):
        ask(maple, "portal:forgot_password", "casey", ip=f"198.51.100.{number}")
    assert OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).count() == 3
    assert outcomes("access.reset.requested")[-1] == "rate_limited"


def test_forgot_password_is_limited_per_address(maple: Practice, casey_account: User) -> None:
    for number in range(10):
        ask(maple, "portal:forgot_password", f"someone{number}@example.com")
    status, page = ask(maple, "portal:forgot_password", "casey")
    assert status == 200 and "If an account matches" in page
    assert not OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).exists()
    assert outcomes("access.reset.requested")[-1] == "rate_limited"


def test_forgot_password_has_its_own_budget_after_staff_used_all_five_sends(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    # The invitation that made the account was send 1 of 5; staff use the rest.
    # (Issue 8: self-service requests no longer share the staff allowance.)
    for _ in range(4):
        send_invite(casey, by=Actor.for_user(owner))
    status, page = ask(maple, "portal:forgot_password", "casey")
    assert status == 200 and "If an account matches" in page
    assert AccessLink.objects.filter(access__client=casey, self_service=False).count() == 5
    assert AccessLink.objects.filter(access__client=casey, self_service=True).count() == 1
    assert outcomes("access.reset.requested") == ["sent"]


def test_forgot_username_answers_the_same_for_existing_unknown_and_disabled_accounts(
    maple: Practice, casey: Client, owner: User, casey_account: User
) -> None:
    existing = ask(maple, "portal:forgot_username", "casey@example.com")
    unknown = ask(maple, "portal:forgot_username", "nobody@example.com")
    disable_portal_access(casey, by=Actor.for_user(owner))
    disabled = ask(maple, "portal:forgot_username", "casey@example.com", ip="198.51.100.9")
    assert existing == unknown == disabled
    assert "If an account matches, we've emailed your username" in existing[1]


def test_forgot_username_emails_the_username_to_the_address_on_file(
    maple: Practice, casey_account: User
) -> None:
    ask(maple, "portal:forgot_username", "nobody@example.com")
    ask(maple, "portal:forgot_username", "Casey@Example.com")
    email = OutboundEmail.objects.get(kind=EmailKind.USERNAME_REMINDER)
    assert email.to_address == "casey@example.com"
    assert "casey" in email.text_body
    assert outcomes("access.username.requested") == ["unknown_account", "sent"]


def test_forgot_username_is_limited_per_address_typed(maple: Practice, casey_account: User) -> None:
    for number in range(4):
        ask(maple, "portal:forgot_username", "casey@example.com", ip=f"198.51.100.{number}")
    assert OutboundEmail.objects.filter(kind=EmailKind.USERNAME_REMINDER).count() == 3


def test_a_birch_visitor_cannot_reach_maples_accounts(
    maple: Practice, birch: Practice, casey_account: User
) -> None:
    ask(birch, "portal:forgot_password", "casey@example.com")
    ask(birch, "portal:forgot_username", "casey@example.com")
    assert not OutboundEmail.objects.filter(
        kind__in=[EmailKind.PASSWORD_RESET, EmailKind.USERNAME_REMINDER]
    ).exists()
