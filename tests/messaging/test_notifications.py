"""The "new message" email: who gets it, what it says, and at most one per 15 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client as HttpClient

from portico.access.actions import disable_portal_access
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.messaging.actions import read_as_portal, send_portal_message, send_staff_message
from portico.practices.models import Practice
from tests.cast import PAT_EMAIL, Family, access_of, at, by

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
SECRET = "My test results from the clinic"


def notices(to: str | None = None) -> list[OutboundEmail]:
    rows = OutboundEmail.objects.filter(kind=EmailKind.NEW_MESSAGE).order_by("id")
    return list(rows.filter(to_address=to) if to else rows)


def test_the_email_says_only_that_a_message_is_waiting_with_the_portal_link(
    maple: Practice, casey: Client, clinician: User
) -> None:
    send_staff_message(casey, by=by(clinician), body=SECRET)
    (email,) = notices()
    assert email.to_address == "casey@example.com"
    assert email.subject == "You have a new message from Maple Counseling"
    assert "Sign in to read it" in email.text_body
    assert "/p/maple/messages/" in email.text_body
    assert email.client == casey
    for part in (email.subject, email.text_body, email.html_body):
        assert SECRET not in part
        assert "results" not in part


def test_no_message_text_reaches_any_email_or_audit_event(
    maple: Practice, casey: Client, casey_account: User, clinician: User
) -> None:
    send_staff_message(casey, by=by(clinician), body=SECRET)
    access = access_of(casey)
    read_as_portal(access, by=by(casey_account))
    send_portal_message(access, by=by(casey_account), body=f"Reply about {SECRET}")
    http = HttpClient()
    http.force_login(clinician)
    http.get(at(maple, "staff_messages:conversation", casey.public_id))
    for email in OutboundEmail.objects.all():
        assert SECRET not in f"{email.subject}{email.text_body}{email.html_body}"
    events = AuditEvent.objects.filter(action__startswith="message.")
    assert events.count() >= 4
    for event in events:
        assert SECRET not in str(event.details) and SECRET not in event.actor_label


def test_a_second_message_within_15_minutes_joins_the_first_email(
    maple: Practice, casey: Client, clinician: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        send_staff_message(casey, by=by(clinician), body="One")
        clock.move_to(START + timedelta(minutes=14, seconds=59))
        send_staff_message(casey, by=by(clinician), body="Two")
        assert len(notices()) == 1
        clock.move_to(START + timedelta(minutes=15))
        send_staff_message(casey, by=by(clinician), body="Three")
        assert len(notices()) == 2


def test_after_15_minutes_the_count_starts_from_the_latest_email(
    maple: Practice, casey: Client, clinician: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        send_staff_message(casey, by=by(clinician), body="One")
        clock.move_to(START + timedelta(minutes=15))
        send_staff_message(casey, by=by(clinician), body="Two")
        clock.move_to(START + timedelta(minutes=29, seconds=59))
        send_staff_message(casey, by=by(clinician), body="Three")
        assert len(notices()) == 2
        clock.move_to(START + timedelta(minutes=30))
        send_staff_message(casey, by=by(clinician), body="Four")
        assert len(notices()) == 3


def test_reading_resets_the_throttle(
    maple: Practice, casey: Client, casey_account: User, clinician: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        send_staff_message(casey, by=by(clinician), body="One")
        clock.move_to(START + timedelta(minutes=3))
        read_as_portal(access_of(casey), by=by(casey_account))
        clock.move_to(START + timedelta(minutes=4))
        send_staff_message(casey, by=by(clinician), body="Two")
        assert len(notices()) == 2


def test_each_person_has_their_own_throttle(
    maple: Practice, family: Family, owner: User, clinician: User
) -> None:
    from tests.cast import parent_of

    parent_of(family.mia, owner, first="Sam", email="sam.parent@example.com")
    with time_machine.travel(START, tick=False) as clock:
        send_staff_message(family.mia, by=by(clinician), body="One")
        assert {e.to_address for e in notices()} == {PAT_EMAIL, "sam.parent@example.com"}
        clock.move_to(START + timedelta(minutes=20))
        send_staff_message(family.mia, by=by(clinician), body="Two")
        assert len(notices()) == 4


def test_a_person_whose_access_is_off_is_still_told_a_message_is_waiting(
    maple: Practice, casey: Client, owner: User, clinician: User
) -> None:
    disable_portal_access(casey, by=by(owner))
    send_staff_message(casey, by=by(clinician), body="Hello")
    assert [e.to_address for e in notices()] == ["casey@example.com"]


def test_a_contact_whose_access_staff_switched_off_is_still_told(
    maple: Practice, family: Family, owner: User, clinician: User
) -> None:
    from portico.access.people import update_contact

    update_contact(family.pat_for_mia, by=by(owner), portal_access_enabled=False)
    send_staff_message(family.mia, by=by(clinician), body="Hello")
    assert [e.to_address for e in notices()] == [PAT_EMAIL]


def test_the_email_notification_switch_is_respected_for_clients_and_contacts(
    maple: Practice, casey: Client, family: Family, clinician: User
) -> None:
    Client.objects.filter(pk=casey.pk).update(email_notifications_enabled=False)
    casey.refresh_from_db()
    family.pat_for_mia.email_notifications_enabled = False
    family.pat_for_mia.save(update_fields=["email_notifications_enabled"])
    send_staff_message(casey, by=by(clinician), body="Hello")
    send_staff_message(family.mia, by=by(clinician), body="Hello")
    assert notices() == []


def test_the_parent_of_a_minor_is_emailed_at_the_address_on_file(
    maple: Practice, family: Family, clinician: User
) -> None:
    send_staff_message(family.mia, by=by(clinician), body="Hello")
    (email,) = notices()
    assert email.to_address == PAT_EMAIL
    assert "Hello Pat," in email.text_body


def test_a_client_with_no_address_on_file_gets_no_email(
    maple: Practice, noah: Client, clinician: User
) -> None:
    send_staff_message(noah, by=by(clinician), body="Hello")
    assert notices() == []


def test_a_removed_contact_or_one_whose_access_ended_is_not_emailed(
    maple: Practice, family: Family, owner: User, clinician: User
) -> None:
    from portico.access.models import RevokeReason
    from tests.cast import end_contact_access

    end_contact_access(family.pat_for_mia, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    send_staff_message(family.mia, by=by(clinician), body="Hello")
    assert notices() == []


def test_messages_from_the_clients_side_email_nobody(
    maple: Practice, family: Family, pat: User
) -> None:
    before = OutboundEmail.objects.count()  # Pat's invitation
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Hello")
    assert OutboundEmail.objects.count() == before
