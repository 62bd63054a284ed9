"""A guardian's account (acting for children, not anyone's "self") can reset its password."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.access.actions import SendLimitReached, send_password_reset
from portico.access.models import AccessLink, LinkPurpose
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import PAT_EMAIL, at, attach, invite, make_family, register_new, token_of
from tests.portal.conftest import run_forgot_tasks

NEW_PASSWORD = "a brand new family phrase 9"


def _guardian(maple: Practice, owner: User) -> User:
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    attach(invite(family.pat_for_leo, owner), pat)
    return pat


def _forgot(maple: Practice, identifier: str, ip: str = "198.51.100.1") -> None:
    HttpClient(REMOTE_ADDR=ip).post(at(maple, "portal:forgot_password"), {"identifier": identifier})
    run_forgot_tasks()  # the worker's part


def test_forgot_password_sends_a_guardian_a_reset_link_to_their_own_address(
    maple: Practice, owner: User
) -> None:
    pat = _guardian(maple, owner)
    _forgot(maple, "pat")
    link = AccessLink.objects.get(user=pat, purpose=LinkPurpose.PASSWORD_RESET)
    assert link.access is None and link.email == PAT_EMAIL
    email = OutboundEmail.objects.get(link=link)
    assert email.kind == EmailKind.PASSWORD_RESET and email.to_address == PAT_EMAIL
    assert AuditEvent.objects.filter(action="access.reset.sent", subject_user=pat).exists()


def test_the_guardian_sets_a_new_password_with_the_link_and_signs_in_with_it(
    maple: Practice, owner: User
) -> None:
    pat = _guardian(maple, owner)
    _forgot(maple, "pat")
    link = AccessLink.objects.get(user=pat, purpose=LinkPurpose.PASSWORD_RESET)
    browser = HttpClient()
    browser.get(at(maple, "portal:reset_link", token_of(link)))
    done = browser.post(
        at(maple, "portal:reset"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 302
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)


def test_a_guardians_sixth_reset_email_in_a_day_is_refused(maple: Practice, owner: User) -> None:
    pat = _guardian(maple, owner)
    for _ in range(5):
        send_password_reset(pat, by=Actor.system())
    with pytest.raises(SendLimitReached):
        send_password_reset(pat, by=Actor.system())
    assert AccessLink.objects.filter(user=pat, access__isnull=True).count() == 5
