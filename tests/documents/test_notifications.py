"""The "document waiting" and "document requested" emails: same rules as new messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client as HttpClient

from portico.access.actions import disable_portal_access
from portico.access.people import update_contact
from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import open_document, request_document
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import PAT_EMAIL, Family, access_of, at, by
from tests.documents.helpers import FILE_NAME, TITLE, share

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
KINDS = (EmailKind.DOCUMENT_WAITING, EmailKind.DOCUMENT_REQUESTED)


def notices(to: str | None = None) -> list[OutboundEmail]:
    rows = OutboundEmail.objects.filter(kind__in=KINDS).order_by("id")
    return list(rows.filter(to_address=to) if to else rows)


def test_the_email_says_only_that_a_document_is_waiting_with_the_portal_link(
    maple: Practice, casey: Client, clinician: User
) -> None:
    share(casey, clinician)
    (email,) = notices()
    assert email.subject == "Maple Counseling has shared a document with you"
    assert "Sign in to see it" in email.text_body
    assert "/p/maple/documents/" in email.text_body
    for part in (email.subject, email.text_body, email.html_body):
        assert TITLE not in part and FILE_NAME not in part
        assert "Statement" not in part and "statement" not in part


def test_asking_for_a_document_sends_the_requested_email(
    maple: Practice, casey: Client, clinician: User
) -> None:
    request_document(casey, by=by(clinician), title="Letter from your school", instructions="")
    (email,) = notices()
    assert email.kind == EmailKind.DOCUMENT_REQUESTED
    assert email.subject == "Maple Counseling has asked you for a document"
    assert "school" not in f"{email.subject}{email.text_body}{email.html_body}".lower()


def test_a_second_document_within_15_minutes_joins_the_first_email(
    maple: Practice, casey: Client, clinician: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        share(casey, clinician)
        clock.move_to(START + timedelta(minutes=14, seconds=59))
        share(casey, clinician)
        request_document(casey, by=by(clinician), title="Referral", instructions="")
        assert len(notices()) == 1
        clock.move_to(START + timedelta(minutes=15))
        share(casey, clinician)
        assert len(notices()) == 2


def test_looking_at_the_documents_resets_the_throttle(
    maple: Practice, casey: Client, casey_account: User, clinician: User, casey_http: HttpClient
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        document = share(casey, clinician).document
        clock.move_to(START + timedelta(minutes=3))
        open_document(document, access=access_of(casey), by=by(casey_account))
        clock.move_to(START + timedelta(minutes=4))
        share(casey, clinician)
        assert len(notices()) == 2
        clock.move_to(START + timedelta(minutes=5))
        casey_http.get(at(maple, "portal_documents:list"))
        clock.move_to(START + timedelta(minutes=6))
        share(casey, clinician)
        assert len(notices()) == 3


def test_each_person_has_their_own_throttle(
    maple: Practice, family: Family, owner: User, clinician: User
) -> None:
    from tests.cast import parent_of

    parent_of(family.mia, owner, first="Sam", email="sam.parent@example.com")
    with time_machine.travel(START, tick=False) as clock:
        share(family.mia, clinician)
        assert {e.to_address for e in notices()} == {PAT_EMAIL, "sam.parent@example.com"}
        clock.move_to(START + timedelta(minutes=20))
        share(family.mia, clinician)
        assert len(notices()) == 4


def test_a_person_whose_access_is_off_is_still_told(
    maple: Practice, casey: Client, family: Family, owner: User, clinician: User
) -> None:
    disable_portal_access(casey, by=by(owner))
    update_contact(family.pat_for_mia, by=by(owner), portal_access_enabled=False)
    share(casey, clinician)
    share(family.mia, clinician)
    assert [e.to_address for e in notices()] == ["casey@example.com", PAT_EMAIL]


def test_the_email_notification_switch_is_respected_for_clients_and_contacts(
    maple: Practice, casey: Client, family: Family, clinician: User
) -> None:
    Client.objects.filter(pk=casey.pk).update(email_notifications_enabled=False)
    casey.refresh_from_db()
    family.pat_for_mia.email_notifications_enabled = False
    family.pat_for_mia.save(update_fields=["email_notifications_enabled"])
    share(casey, clinician)
    share(family.mia, clinician)
    assert notices() == []
