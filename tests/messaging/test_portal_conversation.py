"""The portal's conversation: read, reply, who wrote what, and who may open it at all."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.messaging.actions import send_portal_message, send_staff_message
from portico.messaging.models import MAX_BODY, Message, Side
from portico.practices.models import PortalFeature, Practice
from tests.cast import Family, at, by, end_contact_access
from tests.messaging.conftest import portal_session

PAGE = "portal_messages:conversation"


def test_a_client_reads_the_practices_message_with_its_author_and_time(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Your next session is on Thursday.")
    page = casey_http.get(at(maple, PAGE)).content.decode()
    assert "Messages with Maple Counseling" in page
    assert "Your next session is on Thursday." in page
    assert "Clara Staff" in page
    assert "New" in page
    again = casey_http.get(at(maple, PAGE)).content.decode()
    assert ">New<" not in again  # read now


def test_a_client_replies_and_sees_their_message_as_you(
    maple: Practice, casey: Client, casey_account: User, casey_http: HttpClient
) -> None:
    response = casey_http.post(at(maple, PAGE), {"body": "Can we move it to Friday?"})
    assert response.status_code == 302 and response["Location"] == at(maple, PAGE)
    message = Message.objects.get(conversation__client=casey)
    assert message.side == Side.PORTAL and message.author == casey_account
    assert message.author_access is not None and message.author_access.contact is None
    page = casey_http.get(at(maple, PAGE)).content.decode()
    assert "Your message was sent to Maple Counseling." in page
    assert ">You</strong>" in page and "Can we move it to Friday?" in page


def test_a_message_over_the_limit_is_refused_with_a_clear_error_and_kept_in_the_box(
    maple: Practice, casey: Client, casey_http: HttpClient
) -> None:
    text = "x" * (MAX_BODY + 1)
    response = casey_http.post(at(maple, PAGE), {"body": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your message is too long: it can have at most 5,000 characters (it has 5,001)." in page
    assert 'aria-describedby="id_body_helptext id_body_error"' in page
    assert text in page  # nothing typed is lost
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(maple: Practice, casey_http: HttpClient) -> None:
    response = casey_http.post(at(maple, PAGE), {"body": "   "})
    assert response.status_code == 400
    assert "Write a message before sending." in response.content.decode()


def test_a_message_of_exactly_the_limit_is_sent(
    maple: Practice, casey: Client, casey_http: HttpClient
) -> None:
    response = casey_http.post(at(maple, PAGE), {"body": "y" * MAX_BODY})
    assert response.status_code == 302
    assert len(Message.objects.get().body) == MAX_BODY


def test_a_parent_acting_for_a_minor_reads_and_replies_as_themself(
    maple: Practice, family: Family, pat: User, clinician: User, pat_http: HttpClient
) -> None:
    send_staff_message(family.mia, by=by(clinician), body="The forms for Mia are ready.")
    page = pat_http.get(at(maple, PAGE)).content.decode()
    assert "The forms for Mia are ready." in page
    assert "You are acting for <strong>Mia (your child)</strong>" in page
    pat_http.post(at(maple, PAGE), {"body": "Thank you, we will fill them in tonight."})
    reply = Message.objects.filter(side=Side.PORTAL).get()
    assert reply.author == pat
    assert reply.author_access is not None and reply.author_access.contact == family.pat_for_mia
    assert reply.conversation.client == family.mia
    staff = HttpClient()
    staff.force_login(clinician)
    staff_page = staff.get(at(maple, "staff_messages:conversation", family.mia.public_id))
    assert "Pat Parent (parent)" in staff_page.content.decode()


def test_a_contact_whose_access_was_revoked_is_refused_on_the_next_request(
    maple: Practice, family: Family, pat: User, owner: User, pat_http: HttpClient
) -> None:
    assert pat_http.get(at(maple, PAGE)).status_code == 200
    end_contact_access(family.pat_for_mia, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    refused = pat_http.get(at(maple, PAGE))
    assert refused.status_code == 403
    assert "Mia" not in refused.content.decode() or "no longer" in refused.content.decode()
    posted = pat_http.post(at(maple, PAGE), {"body": "Still there?"})
    assert posted.status_code in (302, 403)
    assert not Message.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(maple: Practice) -> None:
    response = HttpClient().get(at(maple, PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(at(maple, "portal:sign_in"))
    assert "next=" in response["Location"]


def test_the_outsiders_session_never_opens_a_maple_conversation(
    maple: Practice, birch: Practice, casey: Client, clinician: User, outsider_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Only for Casey.")
    response = outsider_http.get(at(maple, PAGE))
    assert response.status_code == 302
    assert b"Only for Casey." not in response.content
    own = outsider_http.get(at(birch, PAGE))
    assert own.status_code in (302, 404)
    assert b"Only for Casey." not in own.content


def test_a_staff_session_gets_no_portal_conversation(
    maple: Practice, casey: Client, clinician: User, clinician_http: HttpClient
) -> None:
    send_staff_message(casey, by=by(clinician), body="Only for Casey.")
    response = clinician_http.get(at(maple, PAGE))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_every_portal_message_page_is_a_404_while_the_feature_is_off(
    maple: Practice, casey_http: HttpClient
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.MESSAGES]
    maple.save(update_fields=["portal_features"])
    assert casey_http.get(at(maple, PAGE)).status_code == 404
    assert casey_http.post(at(maple, PAGE), {"body": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_opening_the_conversation_is_audited_once_per_open_that_reads_something(
    maple: Practice, casey: Client, clinician: User, casey_account: User, casey_http: HttpClient
) -> None:
    first = send_staff_message(casey, by=by(clinician), body="One")
    second = send_staff_message(casey, by=by(clinician), body="Two")
    casey_http.get(at(maple, PAGE))
    casey_http.get(at(maple, PAGE))  # nothing new: no second event
    reads = AuditEvent.objects.filter(action=Action.MESSAGE_READ)
    assert reads.count() == 1
    event = reads.get()
    assert event.actor == casey_account and event.client == casey
    assert event.details["count"] == 2
    assert event.details["message_ids"] == [first.pk, second.pk]
    assert event.details["reader"] == "Casey Client"


def test_a_client_only_sees_the_conversation_of_the_client_acted_for(
    maple: Practice, family: Family, owner: User, clinician: User
) -> None:
    from tests.cast import attach, invite, register_new

    account = register_new(invite(family.pat_for_mia, owner), username="pat2")
    attach(invite(family.pat_for_leo, owner), account)
    send_staff_message(family.mia, by=by(clinician), body="About Mia")
    send_staff_message(family.leo, by=by(clinician), body="About Leo")
    http = portal_session(maple, "pat2")
    http.post(at(maple, "portal:choose"), {"client": str(family.leo.public_id)})
    page = http.get(at(maple, PAGE)).content.decode()
    assert "About Leo" in page and "About Mia" not in page


def test_a_portal_message_needs_a_working_access_held_by_the_author(
    casey: Client, casey_account: User, owner: User
) -> None:
    from django.core.exceptions import ValidationError

    from portico.access.actions import disable_portal_access
    from tests.cast import access_of

    access = access_of(casey)
    with pytest.raises(ValidationError):
        send_portal_message(access, by=by(owner), body="Not mine to send")
    disable_portal_access(casey, by=by(owner))
    with pytest.raises(ValidationError):
        send_portal_message(access_of(casey), by=by(casey_account), body="Off")
    assert not Message.objects.exists()
