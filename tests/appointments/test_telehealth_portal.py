"""The portal's Join: shown or explained on the appointments list, re-checked and audited on
the POST, then a redirect to the room. For a parent acting for a child (and a parent of two)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentKind
from portico.appointments.rooms import set_practice_room
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.contact_actions import record_consent
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from tests.appointments.conftest import book, portal_session
from tests.cast import Family, at, attach, end_contact_access, invite

MONDAY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
THREE_PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu, Dec 3, 3:00 PM EST
TEN_TO_THREE = datetime(2026, 12, 3, 19, 50, tzinfo=UTC)
ROOM = "https://meet.example.com/maple"
CONSENT_WORDS = "Your practice needs your consent for video sessions before you can join."


@pytest.fixture(autouse=True)
def _room(maple: Practice, owner: User) -> None:
    maple.phone = "(555) 010-1000"
    maple.save(update_fields=["phone"])
    set_practice_room(maple, by=Actor.for_user(owner), url=ROOM)


def video(client: Client, owner: User, clinician: User) -> Appointment:
    with time_machine.travel(MONDAY, tick=False):
        return book(
            client, by=owner, clinician=clinician, starts_at=THREE_PM, kind=AppointmentKind.VIDEO
        )


def join_url(maple: Practice, appointment: Appointment) -> str:
    return at(maple, "portal_telehealth:join", appointment.public_id)


def joins() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.TELEHEALTH_JOINED))


@pytest.fixture
def casey_video(casey: Client, casey_account: User, owner: User, clinician: User) -> Appointment:
    return video(casey, owner, clinician)


def test_the_client_sees_join_in_the_window_and_is_sent_to_the_room(
    maple: Practice, casey_video: Appointment
) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "casey")
        page = http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "Join video session" in page
        assert join_url(maple, casey_video) in page
        assert ROOM not in page  # the address is given only on the audited POST
        response = http.post(join_url(maple, casey_video))
    assert response.status_code == 302
    assert response["Location"] == ROOM
    [event] = joins()
    assert event.client_id == casey_video.client_id
    assert event.details["person"] == "Casey Client"
    assert event.details["when"] == "Thursday, December 3 at 3:00 PM EST"
    assert "for" not in event.details
    assert event.at == TEN_TO_THREE


def test_before_the_window_the_list_says_when_and_the_post_is_refused(
    maple: Practice, casey_video: Appointment
) -> None:
    with time_machine.travel(datetime(2026, 12, 3, 19, 44, tzinfo=UTC), tick=False):
        http = portal_session(maple, "casey")
        page = http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "You can join from 2:45 PM (15 minutes before)." in page
        assert "Join video session" not in page
        response = http.post(join_url(maple, casey_video), follow=True)
    assert response.redirect_chain[0][0].endswith("/appointments/")
    assert "You can join from 2:45 PM" in response.content.decode()
    assert joins() == []


def test_a_parent_without_consent_sees_why_and_joins_once_it_is_recorded(
    maple: Practice, family: Family, pat: User, owner: User, clinician: User
) -> None:
    appointment = video(family.mia, owner, clinician)
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "pat")
        page = http.get(at(maple, "portal_appointments:list")).content.decode()
        assert CONSENT_WORDS in page
        assert "Call Maple Counseling at (555) 010-1000." in page
        assert http.post(join_url(maple, appointment))["Location"].endswith("/appointments/")
        assert joins() == []
        record_consent(family.pat_for_mia, kind="telehealth", given=True, by=Actor.for_user(owner))
        assert (
            "Join video session" in http.get(at(maple, "portal_appointments:list")).content.decode()
        )
        response = http.post(join_url(maple, appointment))
    assert response["Location"] == ROOM
    [event] = joins()
    assert (event.details["person"], event.details["for"]) == ("Pat Parent", "Mia Parent")
    assert event.actor_id == pat.pk


def test_a_parent_of_two_joins_for_the_child_acted_for_only(
    maple: Practice, family: Family, pat: User, owner: User, clinician: User
) -> None:
    attach(invite(family.pat_for_leo, owner), pat)
    record_consent(family.pat_for_mia, kind="telehealth", given=True, by=Actor.for_user(owner))
    mia_video = video(family.mia, owner, clinician)
    with time_machine.travel(MONDAY, tick=False):
        leo_video = book(
            family.leo,
            by=owner,
            clinician=owner,
            starts_at=THREE_PM,
            kind=AppointmentKind.VIDEO,
        )
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "pat")
        http.post(at(maple, "portal:choose"), {"client": str(family.mia.public_id)})
        assert http.post(join_url(maple, mia_video))["Location"] == ROOM
        assert http.post(join_url(maple, leo_video)).status_code == 404  # not acting for Leo
        http.post(at(maple, "portal:choose"), {"client": str(family.leo.public_id)})
        page = http.get(at(maple, "portal_appointments:list")).content.decode()
        assert CONSENT_WORDS in page  # the consent for Mia is not one for Leo
        assert http.post(join_url(maple, leo_video))["Location"].endswith("/appointments/")
    assert len(joins()) == 1


def test_another_clients_appointment_is_404(
    maple: Practice, family: Family, pat: User, casey_video: Appointment
) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "pat")
        assert http.post(join_url(maple, casey_video)).status_code == 404
    assert joins() == []


def test_a_revoked_contact_is_refused_on_the_next_request(
    maple: Practice, family: Family, pat: User, owner: User, clinician: User
) -> None:
    record_consent(family.pat_for_mia, kind="telehealth", given=True, by=Actor.for_user(owner))
    appointment = video(family.mia, owner, clinician)
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "pat")
        assert (
            "Join video session" in http.get(at(maple, "portal_appointments:list")).content.decode()
        )
        end_contact_access(
            family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
        )
        response = http.post(join_url(maple, appointment))
    assert response.status_code in (302, 403)
    assert response.get("Location") != ROOM
    assert joins() == []


def test_telehealth_off_makes_join_404_and_hides_it(
    maple: Practice, casey_video: Appointment
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.TELEHEALTH]
    maple.save(update_fields=["portal_features"])
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "casey")
        page = http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "Join video session" not in page
        assert http.post(join_url(maple, casey_video)).status_code == 404


def test_join_is_a_post_a_get_never_joins(maple: Practice, casey_video: Appointment) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "casey")
        assert http.get(join_url(maple, casey_video)).status_code == 405
    assert joins() == []


def test_signed_out_join_goes_to_sign_in(maple: Practice, casey_video: Appointment) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        response = HttpClient().post(join_url(maple, casey_video))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_the_list_lets_its_join_forms_redirect_to_their_room_only(
    maple: Practice, casey_video: Appointment
) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = portal_session(maple, "casey")
        policy = http.get(at(maple, "portal_appointments:list"))["Content-Security-Policy"]
    assert "form-action 'self' https://meet.example.com;" in policy + ";"
    with time_machine.travel(MONDAY, tick=False):  # no Join shown: the usual policy
        http = portal_session(maple, "casey")
        policy = http.get(at(maple, "portal_appointments:list"))["Content-Security-Policy"]
    assert "meet.example.com" not in policy
