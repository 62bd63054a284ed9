"""Staff side: the inbox (unread first, filters, read/unread, assignment) and a conversation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client as HttpClient

from portico.access.actions import disable_portal_access
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.messaging.actions import (
    assign_conversation,
    read_as_practice,
    send_portal_message,
    send_staff_message,
)
from portico.messaging.models import Conversation, Message
from portico.practices.models import PortalFeature, Practice
from tests.cast import Family, access_of, at, by, make_client

INBOX = "staff_messages:inbox"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def conversation_url(practice: Practice, client: Client, name: str = "conversation") -> str:
    return at(practice, f"staff_messages:{name}", client.public_id)


def _rows(page: str) -> list[str]:
    """The client names of the inbox, in order."""
    names = ["Casey Client", "Mia Parent", "Leo Parent", "Ann Archer"]
    found = [(page.index(name), name) for name in names if name in page]
    return [name for _, name in sorted(found)]


def test_the_inbox_lists_unread_conversations_first_then_the_newest(
    maple: Practice, casey: Client, family: Family, owner: User, clinician: User, pat: User
) -> None:
    ann = make_client(maple, owner, "Ann", "Archer")
    with time_machine.travel(T0, tick=False) as clock:
        send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Question")
        clock.move_to(T0 + timedelta(minutes=5))
        send_staff_message(casey, by=by(clinician), body="Hello Casey")
        clock.move_to(T0 + timedelta(minutes=10))
        send_staff_message(ann, by=by(clinician), body="Hello Ann")
    http = HttpClient()
    http.force_login(clinician)
    page = http.get(at(maple, INBOX)).content.decode()
    assert _rows(page) == ["Mia Parent", "Ann Archer", "Casey Client"]
    assert "1 unread" in page
    assert "Leo Parent" not in page  # no messages yet: not listed


def test_the_inbox_filters_by_clinician_and_assigned_to_me(
    maple: Practice, casey: Client, family: Family, clinician: User, front_desk: User
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    send_staff_message(family.mia, by=by(clinician), body="Hello")
    assign_conversation(casey, by=by(front_desk), to=clinician)
    http = HttpClient()
    http.force_login(clinician)
    mine = http.get(at(maple, INBOX), {"assigned": "me"}).content.decode()
    assert _rows(mine) == ["Casey Client"]
    nobody = http.get(at(maple, INBOX), {"assigned": "nobody"}).content.decode()
    assert _rows(nobody) == ["Mia Parent"]
    by_id = http.get(at(maple, INBOX), {"assigned": str(clinician.pk)}).content.decode()
    assert _rows(by_id) == ["Casey Client"]
    theirs = http.get(at(maple, INBOX), {"assigned": str(front_desk.pk)}).content.decode()
    assert _rows(theirs) == []
    assert "No conversations assigned to that staff member." in theirs


def test_a_filter_naming_someone_outside_the_practice_shows_everything(
    maple: Practice, casey: Client, clinician: User, outsider: User
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    http = HttpClient()
    http.force_login(clinician)
    page = http.get(at(maple, INBOX), {"assigned": str(outsider.pk)})
    assert page.status_code == 200
    assert _rows(page.content.decode()) == ["Casey Client"]


def test_opening_a_conversation_marks_it_read_for_the_whole_practice_and_audits_it(
    maple: Practice, family: Family, pat: User, clinician: User, front_desk: User
) -> None:
    message = send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Question")
    http = HttpClient()
    http.force_login(clinician)
    page = http.get(conversation_url(maple, family.mia)).content.decode()
    assert "Question" in page and "New" in page
    assert Conversation.objects.get().practice_unread == 0
    event = AuditEvent.objects.get(action=Action.MESSAGE_READ)
    assert event.actor == clinician
    assert event.details["message_ids"] == [message.pk] and event.details["count"] == 1
    frank = HttpClient()
    frank.force_login(front_desk)
    assert "1 unread" not in frank.get(at(maple, INBOX)).content.decode()


def test_mark_unread_and_mark_read_from_the_inbox(
    maple: Practice, family: Family, pat: User, clinician: User
) -> None:
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="One")
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Two")
    read_as_practice(family.mia, by=by(clinician))
    http = HttpClient()
    http.force_login(clinician)
    response = http.post(conversation_url(maple, family.mia, "mark_unread"))
    assert response.status_code == 302 and response["Location"] == at(maple, INBOX)
    assert Conversation.objects.get().practice_unread == 1
    assert AuditEvent.objects.filter(action=Action.CONVERSATION_MARKED_UNREAD).count() == 1
    assert "1 unread" in http.get(at(maple, INBOX)).content.decode()
    http.post(conversation_url(maple, family.mia, "mark_read"))
    assert Conversation.objects.get().practice_unread == 0
    marked = AuditEvent.objects.filter(action=Action.MESSAGE_READ).latest("id")
    assert marked.details["how"] == "marked"


def test_mark_unread_with_nothing_from_the_client_says_so(
    maple: Practice, casey: Client, clinician: User
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    http = HttpClient()
    http.force_login(clinician)
    response = http.post(conversation_url(maple, casey, "mark_unread"), follow=True)
    assert "There is no message from Casey Client" in response.content.decode()
    assert Conversation.objects.get().practice_unread == 0


def test_assigning_a_conversation_to_a_clinician(
    maple: Practice, casey: Client, clinician: User, front_desk: User
) -> None:
    http = HttpClient()
    http.force_login(front_desk)
    response = http.post(conversation_url(maple, casey, "assign"), {"assigned_to": clinician.pk})
    assert response.status_code == 302
    assert Conversation.objects.get(client=casey).assigned_to == clinician
    event = AuditEvent.objects.get(action=Action.CONVERSATION_ASSIGNED)
    assert event.subject_user == clinician and event.details["assigned_to"] == "Clara Staff"
    http.post(conversation_url(maple, casey, "assign"), {"assigned_to": ""})
    assert Conversation.objects.get(client=casey).assigned_to is None


def test_a_conversation_cannot_be_assigned_to_another_practices_staff(
    maple: Practice, casey: Client, front_desk: User, outsider: User
) -> None:
    http = HttpClient()
    http.force_login(front_desk)
    http.post(conversation_url(maple, casey, "assign"), {"assigned_to": outsider.pk})
    assert not Conversation.objects.filter(assigned_to=outsider).exists()


def test_staff_send_a_message_and_see_it_with_their_name(
    maple: Practice, casey: Client, clinician: User, clinician_http: HttpClient
) -> None:
    url = conversation_url(maple, casey)
    response = clinician_http.post(url, {"body": "Your forms are ready."})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.author == clinician and message.side == "staff"
    page = clinician_http.get(url).content.decode()
    assert "Your message was sent to Casey Client" in page
    assert ">You</strong>" in page


def test_sending_is_refused_with_a_sentence_while_the_practice_has_messages_off(
    maple: Practice, casey: Client, clinician_http: HttpClient
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.MESSAGES]
    maple.save(update_fields=["portal_features"])
    url = conversation_url(maple, casey)
    page = clinician_http.get(url)
    assert page.status_code == 200  # staff may still read
    assert "Secure messages are turned off" in page.content.decode()
    response = clinician_http.post(url, {"body": "Hello"})
    assert response.status_code == 400
    assert "Secure messages are turned off for this practice, so nothing was sent." in (
        response.content.decode()
    )
    assert not Message.objects.exists()


def test_staff_see_who_cannot_read_the_conversation(
    maple: Practice, family: Family, casey: Client, owner: User, clinician_http: HttpClient
) -> None:
    disable_portal_access(casey, by=by(owner))
    page = clinician_http.get(conversation_url(maple, casey)).content.decode()
    assert "Casey cannot read this: portal access is off." in page
    from portico.access.people import update_contact

    update_contact(family.pat_for_mia, by=by(owner), portal_access_enabled=False)
    page = clinician_http.get(conversation_url(maple, family.mia)).content.decode()
    assert "Pat Parent cannot read this: portal access is off." in page
    leo = clinician_http.get(conversation_url(maple, family.leo)).content.decode()
    assert "Pat Parent cannot read" not in leo


def test_the_outsider_gets_404_for_maples_conversation_in_his_own_practice(
    maple: Practice, birch: Practice, casey: Client, clinician: User, outsider_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Hello")
    for name in ("conversation", "assign", "mark_read", "mark_unread"):
        url = at(birch, f"staff_messages:{name}", casey.public_id)
        assert outsider_http.post(url, {"body": "x"}).status_code == 404, name
    assert (
        outsider_http.get(at(birch, "staff_messages:conversation", casey.public_id)).status_code
        == 404
    )
    assert "Casey" not in outsider_http.get(at(birch, INBOX)).content.decode()
    assert Message.objects.count() == 1


def test_a_portal_user_gets_404_for_the_staff_inbox_and_conversations(
    maple: Practice, casey: Client, casey_http: HttpClient
) -> None:
    assert casey_http.get(at(maple, INBOX)).status_code == 404
    assert casey_http.get(conversation_url(maple, casey)).status_code == 404
    assert casey_http.post(conversation_url(maple, casey), {"body": "x"}).status_code == 404


def test_every_client_worker_role_may_message_clients(
    maple: Practice, casey: Client, front_desk_http: HttpClient, clinician_http: HttpClient
) -> None:
    for http in (front_desk_http, clinician_http):
        assert http.get(at(maple, INBOX)).status_code == 200
        assert http.post(conversation_url(maple, casey), {"body": "Hi"}).status_code == 302


def test_a_role_without_the_capability_cannot_message(maple: Practice) -> None:
    from portico.practices.roles import Can, role_can

    assert not role_can("read_only", Can.MESSAGE_CLIENTS)


def _count_queries(http: HttpClient, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http.get(url)  # warm up (and read what is unread, so both visits do the same work)
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_the_inbox_costs_the_same_queries_for_one_conversation_or_many(
    maple: Practice, owner: User, clinician: User, clinician_http: HttpClient
) -> None:
    first = make_client(maple, owner, "First", "Client")
    send_staff_message(first, by=by(clinician), body="Hi")
    assign_conversation(first, by=by(clinician), to=clinician)
    one = _count_queries(clinician_http, at(maple, INBOX))
    for n in range(6):
        other = make_client(maple, owner, f"Other{n}", "Client")
        send_staff_message(other, by=by(clinician), body="Hi")
        assign_conversation(other, by=by(clinician), to=owner)
    assert _count_queries(clinician_http, at(maple, INBOX)) == one


def test_a_conversation_costs_the_same_queries_for_one_message_or_many(
    maple: Practice, family: Family, pat: User, clinician: User, clinician_http: HttpClient
) -> None:
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="One")
    url = conversation_url(maple, family.mia)
    one = _count_queries(clinician_http, url)
    for n in range(5):
        send_portal_message(access_of(family.pat_for_mia), by=by(pat), body=f"More {n}")
        send_staff_message(family.mia, by=by(clinician), body=f"Answer {n}")
    clinician_http.get(url)
    assert _count_queries(clinician_http, url) == one
