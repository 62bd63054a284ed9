"""The telehealth gate (appointments.telehealth.join_state): the window to the minute, consent
for adults, minors and contacts, access, the feature switch, kind and status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portico.access.actions import disable_portal_access
from portico.access.models import PortalAccess, RevokeReason
from portico.accounts.models import User
from portico.appointments.actions import cancel_appointment
from portico.appointments.models import Appointment, AppointmentKind
from portico.appointments.rooms import set_adult_consent_rule, set_clinician_room, set_practice_room
from portico.appointments.telehealth import Blocked, join_state
from portico.appointments.telehealth_actions import record_client_consent
from portico.audit.actor import Actor
from portico.clients.contact_actions import record_consent
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from tests.appointments.conftest import book
from tests.cast import Family, access_of, end_contact_access

MONDAY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 9:00 AM EST
THREE_PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu, Dec 3, 3:00 PM EST
ROOM = "https://meet.example.com/maple"


def local(hour: int, minute: int, second: int = 0) -> datetime:
    """Thursday, Dec 3 at hour:minute EST, in UTC."""
    return datetime(2026, 12, 3, hour + 5, minute, second, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _room(maple: Practice, owner: User) -> None:
    maple.phone = "(555) 010-1000"
    maple.save(update_fields=["phone"])
    set_practice_room(maple, by=Actor.for_user(owner), url=ROOM)


def video_for(client: Client, owner: User, clinician: User) -> Appointment:
    with time_machine.travel(MONDAY, tick=False):
        return book(
            client, by=owner, clinician=clinician, starts_at=THREE_PM, kind=AppointmentKind.VIDEO
        )


@pytest.fixture
def casey_video(casey: Client, casey_account: User, owner: User, clinician: User) -> Appointment:
    return video_for(casey, owner, clinician)


@pytest.fixture
def mia_video(family: Family, pat: User, owner: User, clinician: User) -> Appointment:
    return video_for(family.mia, owner, clinician)


@pytest.mark.parametrize(
    ("moment", "joins"),
    [
        (local(14, 44, 59), False),
        (local(14, 45), True),
        (local(15, 0), True),
        (local(15, 50, 59), True),
        (local(15, 51), False),
    ],
    ids=["14:44:59 no", "14:45 yes", "start yes", "end 15:50 yes", "end+1 15:51 no"],
)
def test_join_opens_15_minutes_before_and_closes_at_the_end_to_the_minute(
    casey_video: Appointment, moment: datetime, joins: bool
) -> None:
    state = join_state(casey_video, access_of(casey_video.client), moment)
    assert state.can_join is joins
    if joins:
        assert state.room_url == ROOM


def test_before_the_window_the_client_is_told_when_it_opens(casey_video: Appointment) -> None:
    state = join_state(casey_video, access_of(casey_video.client), local(14, 44))
    assert state.blocked == Blocked.TOO_EARLY
    assert state.reason == "You can join from 2:45 PM (15 minutes before)."
    earlier = join_state(casey_video, access_of(casey_video.client), MONDAY)
    assert earlier.reason == (
        "You can join from 2:45 PM on Thursday, December 3 (15 minutes before)."
    )


def test_after_the_end_it_says_the_appointment_is_over(casey_video: Appointment) -> None:
    state = join_state(casey_video, access_of(casey_video.client), local(15, 51))
    assert (state.blocked, state.reason) == (Blocked.OVER, "This appointment is over.")


def test_an_adult_joins_without_consent_by_default(casey_video: Appointment) -> None:
    assert join_state(casey_video, access_of(casey_video.client), local(15, 0)).can_join


def test_an_adult_needs_consent_when_the_practice_requires_it_for_adults(
    maple: Practice, owner: User, casey: Client, casey_video: Appointment
) -> None:

    set_adult_consent_rule(maple, by=Actor.for_user(owner), required=True)
    state = join_state(casey_video, access_of(casey), local(15, 0))
    assert state.blocked == Blocked.CONSENT
    assert state.reason == (
        "Your practice needs your consent for video sessions before you can join. "
        "Call Maple Counseling at (555) 010-1000."
    )
    assert state.fix is not None and state.fix.label == "Record telehealth consent for Casey Client"
    record_client_consent(casey, given=True, by=Actor.for_user(owner))
    assert join_state(casey_video, access_of(casey), local(15, 0)).can_join


def test_a_minors_parent_needs_their_own_consent_recorded(
    family: Family, owner: User, mia_video: Appointment
) -> None:
    state = join_state(mia_video, access_of(family.pat_for_mia), local(15, 0))
    assert state.blocked == Blocked.CONSENT
    assert state.staff_reason == "No telehealth consent recorded for Pat Parent: they cannot join."
    assert state.fix is not None
    assert dict(state.fix.fields) == {"kind": "telehealth", "given": "yes"}
    assert str(family.pat_for_mia.public_id) in state.fix.url
    record_consent(family.pat_for_mia, kind="telehealth", given=True, by=Actor.for_user(owner))
    family.pat_for_mia.refresh_from_db()
    assert join_state(mia_video, access_of(family.pat_for_mia), local(15, 0)).can_join


def test_the_childs_own_consent_does_not_stand_in_for_the_parents(
    family: Family, owner: User, mia_video: Appointment
) -> None:
    record_client_consent(family.mia, given=True, by=Actor.for_user(owner))
    state = join_state(mia_video, access_of(family.pat_for_mia), local(15, 0))
    assert state.blocked == Blocked.CONSENT


def test_withdrawn_consent_closes_the_gate_again(
    family: Family, owner: User, mia_video: Appointment
) -> None:
    by = Actor.for_user(owner)
    record_consent(family.pat_for_mia, kind="telehealth", given=True, by=by)
    record_consent(family.pat_for_mia, kind="telehealth", given=False, by=by)
    family.pat_for_mia.refresh_from_db()
    assert join_state(mia_video, access_of(family.pat_for_mia), local(15, 0)).blocked == (
        Blocked.CONSENT
    )


def test_access_turned_off_blocks_with_enable_as_the_fix(
    casey: Client, owner: User, casey_video: Appointment
) -> None:
    disable_portal_access(casey, by=Actor.for_user(owner))
    state = join_state(casey_video, access_of(casey), local(15, 0))
    assert state.blocked == Blocked.ACCESS_OFF
    assert state.reason.startswith("Your portal access is turned off.")
    assert state.fix is not None and state.fix.label == "Enable portal access"
    assert state.fix.url.endswith(f"/staff/clients/{casey.public_id}/access/enable/")


def test_a_revoked_contact_cannot_join(family: Family, owner: User, mia_video: Appointment) -> None:
    record_consent(family.pat_for_mia, kind="telehealth", given=True, by=Actor.for_user(owner))
    access = access_of(family.pat_for_mia)
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    access = PortalAccess.objects.get(pk=access.pk)
    assert join_state(mia_video, access, local(15, 0)).blocked == Blocked.ACCESS_OFF


def test_telehealth_off_blocks_everyone(maple: Practice, casey_video: Appointment) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.TELEHEALTH]
    maple.save(update_fields=["portal_features"])
    casey_video.practice.refresh_from_db()
    state = join_state(casey_video, access_of(casey_video.client), local(15, 0))
    assert state.blocked == Blocked.FEATURE_OFF


def test_an_in_person_appointment_has_no_join(
    casey: Client, casey_account: User, owner: User, clinician: User
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        visit = book(casey, by=owner, clinician=clinician, starts_at=THREE_PM)
    state = join_state(visit, access_of(casey), local(15, 0))
    assert (state.can_join, state.blocked, state.shown) == (False, Blocked.NOT_VIDEO, False)


def test_a_cancelled_video_appointment_cannot_be_joined(
    owner: User, casey_video: Appointment
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        cancel_appointment(casey_video, by=Actor.for_user(owner))
    casey_video.refresh_from_db()
    state = join_state(casey_video, access_of(casey_video.client), local(15, 0))
    assert (state.blocked, state.reason) == (Blocked.NOT_BOOKED, "This appointment is cancelled.")


def test_the_clinicians_own_room_comes_before_the_practices(
    maple: Practice, clinician: User, casey_video: Appointment
) -> None:
    own = "https://doxy.me/drclara"
    set_clinician_room(maple, by=Actor.for_user(clinician), clinician=clinician, url=own)
    assert join_state(casey_video, access_of(casey_video.client), local(15, 0)).room_url == own


def test_without_any_room_the_client_is_asked_to_call(
    maple: Practice, owner: User, casey_video: Appointment
) -> None:
    set_practice_room(maple, by=Actor.for_user(owner), url="")
    state = join_state(casey_video, access_of(casey_video.client), local(15, 0))
    assert state.blocked == Blocked.NO_ROOM
    assert state.reason == (
        "The video room for this appointment is not ready yet. "
        "Call Maple Counseling at (555) 010-1000."
    )


def test_the_window_moves_with_the_appointment(casey_video: Appointment) -> None:
    later = casey_video.starts_at + timedelta(hours=2)
    Appointment.objects.filter(pk=casey_video.pk).update(
        starts_at=later, ends_at=later + timedelta(minutes=50)
    )
    casey_video.refresh_from_db()
    assert not join_state(casey_video, access_of(casey_video.client), local(15, 0)).can_join
    assert join_state(casey_video, access_of(casey_video.client), local(16, 45)).can_join
