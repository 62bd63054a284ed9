"""Telehealth for staff: rooms (https only, who may set which), the reason and its one fix next
to each video appointment, the client's own consent, the consent note, PHI-free emails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portico.access.status_reads import contact_status, portal_status
from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentKind, VideoRoom
from portico.appointments.rooms import check_room_url, set_clinician_room
from portico.appointments.rules import settings_of
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.practices.models import PortalFeature, Practice
from tests.appointments.conftest import book, staff_session
from tests.cast import Family, at, make_client
from tests.top_bar import warm_top_bar

MONDAY = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
THREE_PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu, Dec 3, 3:00 PM EST
TEN_TO_THREE = datetime(2026, 12, 3, 19, 50, tzinfo=UTC)
ROOM = "https://meet.example.com/maple?pwd=s3cret"


def settings_post(room_of: str, url: str, **extra: str) -> dict[str, str]:
    prefix = "practice" if room_of == "practice" else f"room-{room_of}"
    return {"room_of": room_of, f"{prefix}-url": url, **extra}


# --- rooms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://meet.example.com/maple", "starts with https://"),
        ("zoom.us/j/123", "starts with https://"),
        ("javascript:alert(1)", "starts with https://"),
        ("https://clara:hunter2@meet.example.com/room", "Remove the user name or password"),
        ("https://", "Enter the full address"),
    ],
)
def test_a_room_address_must_be_https_without_credentials(url: str, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_room_url(url)
    assert says in refused.value.messages[0]


def test_the_owner_sets_the_practice_room_and_the_audit_names_only_the_host(
    maple: Practice, owner: User
) -> None:
    http = staff_session(owner)
    url = at(maple, "staff_appointments:telehealth")
    refused = http.post(url, settings_post("practice", "http://meet.example.com/maple"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "starts with https://" in page
    assert 'aria-describedby="id_practice-url_error' in page or "aria-invalid" in page
    assert settings_of(maple).video_room_url == ""
    response = http.post(url, settings_post("practice", ROOM))
    assert response.status_code == 302
    assert settings_of(maple).video_room_url == ROOM
    [event] = AuditEvent.objects.filter(action=Action.VIDEO_ROOM_SET)
    assert event.details == {"room_of": "the practice", "host": "meet.example.com"}
    assert "s3cret" not in str(event.details)


def test_the_owner_sets_a_clinicians_room_and_requires_consent_for_adults(
    maple: Practice, owner: User, clinician: User
) -> None:
    http = staff_session(owner)
    url = at(maple, "staff_appointments:telehealth")
    http.post(url, settings_post(str(clinician.pk), "https://doxy.me/drclara"))
    assert VideoRoom.objects.get(clinician=clinician).url == "https://doxy.me/drclara"
    http.post(url, settings_post("practice", "", **{"practice-consent_for_adults": "on"}))
    assert settings_of(maple).telehealth_consent_for_adults is True
    assert AuditEvent.objects.filter(action=Action.TELEHEALTH_RULE_CHANGED).count() == 1


def test_a_clinician_sets_their_own_room_only(
    maple: Practice, clinician: User, owner: User, front_desk: User
) -> None:
    http = staff_session(clinician)
    assert http.get(at(maple, "staff_appointments:telehealth")).status_code in (403, 404)
    mine = at(maple, "staff_appointments:my_room")
    bad = http.post(mine, {"url": "http://doxy.me/drclara"})
    assert bad.status_code == 400
    assert "starts with https://" in bad.content.decode()
    assert http.post(mine, {"url": "https://doxy.me/drclara"}).status_code == 302
    assert VideoRoom.objects.get(clinician=clinician).url == "https://doxy.me/drclara"
    with pytest.raises(PermissionDenied):
        set_clinician_room(
            maple, by=Actor.for_user(clinician), clinician=owner, url="https://doxy.me/x"
        )
    desk = staff_session(front_desk).get(mine).content.decode()
    assert "Only clinicians have a video room of their own." in desk


def test_removing_a_clinicians_room_falls_back_to_the_practices(
    maple: Practice, clinician: User
) -> None:
    by = Actor.for_user(clinician)
    set_clinician_room(maple, by=by, clinician=clinician, url="https://doxy.me/drclara")
    set_clinician_room(maple, by=by, clinician=clinician, url="")
    assert not VideoRoom.objects.filter(clinician=clinician).exists()
    assert AuditEvent.objects.filter(action=Action.VIDEO_ROOM_SET).count() == 2


# --- the reason and its fix on staff pages ------------------------------------------------


@pytest.fixture
def mia_video(family: Family, pat: User, owner: User, clinician: User) -> Appointment:
    settings = settings_of(family.mia.practice)
    settings.video_room_url = "https://meet.example.com/maple"
    settings.save()
    with time_machine.travel(MONDAY, tick=False):
        return book(
            family.mia,
            by=owner,
            clinician=clinician,
            starts_at=THREE_PM,
            kind=AppointmentKind.VIDEO,
        )


def test_staff_see_the_missing_consent_and_the_button_that_records_it(
    maple: Practice, family: Family, front_desk: User, mia_video: Appointment
) -> None:
    with time_machine.travel(TEN_TO_THREE, tick=False):
        http = staff_session(front_desk)
        day = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-03").content.decode()
        client_page = http.get(
            at(maple, "staff_appointments:client", family.mia.public_id)
        ).content.decode()
        fix_url = at(
            maple, "clients:contact_consent", family.mia.public_id, family.pat_for_mia.public_id
        )
        for page in (day, client_page):
            assert "No telehealth consent recorded for Pat Parent: they cannot join." in page
            assert f'action="{fix_url}"' in page
            assert "Record telehealth consent for Pat Parent" in page
        http.post(fix_url, {"kind": "telehealth", "given": "yes"})
        day = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-03").content.decode()
    assert "Pat Parent can join now." in day
    assert "Record telehealth consent" not in day


def test_staff_are_told_when_nobody_has_access_yet(
    maple: Practice, casey: Client, owner: User, clinician: User
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        book(casey, by=owner, clinician=clinician, starts_at=THREE_PM, kind=AppointmentKind.VIDEO)
        page = (
            staff_session(owner)
            .get(at(maple, "staff_appointments:client", casey.public_id))
            .content.decode()
        )
    # Casey was invited but never registered: the fix is to (re)send the invitation.
    assert "Casey Client has not set up a portal account yet." in page
    assert "Send the invitation" in page


def test_the_fix_is_shown_only_to_staff_who_may_do_it(
    maple: Practice, casey: Client, casey_account: User, owner: User, clinician: User
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        book(casey, by=owner, clinician=clinician, starts_at=THREE_PM, kind=AppointmentKind.VIDEO)
        page = (
            staff_session(clinician)
            .get(at(maple, "staff_appointments:client", casey.public_id))
            .content.decode()
        )
    assert "No video room address for" in page
    assert "Set the video room" not in page  # settings are for owners and administrators


def test_staff_record_and_withdraw_the_clients_own_consent(
    maple: Practice, birch: Practice, casey: Client, front_desk: User, outsider: User
) -> None:
    url = at(maple, "staff_appointments:client_consent", casey.public_id)
    http = staff_session(front_desk)
    page = http.get(at(maple, "staff_appointments:client", casey.public_id)).content.decode()
    assert "Record telehealth consent" in page
    assert http.get(url).status_code == 405
    assert http.post(url, {"given": "yes"}).status_code == 302
    casey.refresh_from_db()
    assert casey.telehealth_consent_at is not None
    assert casey.telehealth_consent_by == front_desk
    http.post(url, {"given": "no"})
    casey.refresh_from_db()
    assert casey.telehealth_consent_at is None
    actions = list(
        AuditEvent.objects.filter(client=casey, action__startswith="telehealth.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CLIENT_CONSENT_RECORDED, Action.CLIENT_CONSENT_WITHDRAWN]
    # Maple's client at the outsider's own practice: 404.
    outsiders = at(birch, "staff_appointments:client_consent", casey.public_id)
    assert staff_session(outsider).post(outsiders, {"given": "yes"}).status_code == 404


# --- the consent note of the access panel -------------------------------------------------


def test_the_consent_note_names_video_sessions_for_a_minors_contact(
    maple: Practice, family: Family, owner: User
) -> None:
    note = contact_status(family.pat_for_mia, timezone.now()).consent_note
    assert note == (
        "No telehealth consent recorded: they can sign in, but cannot join video sessions "
        "until it is"
    )
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.TELEHEALTH]
    maple.save(update_fields=["portal_features"])
    family.pat_for_mia.client.practice.refresh_from_db()
    assert contact_status(family.pat_for_mia, timezone.now()).consent_note == ""


def test_an_adult_client_gets_no_consent_note(casey: Client) -> None:
    assert portal_status(casey, timezone.now()).consent_note == ""


# --- emails -------------------------------------------------------------------------------


def test_video_appointment_emails_carry_no_room_address_and_no_clinician(
    maple: Practice, casey: Client, owner: User, clinician: User
) -> None:
    set_clinician_room(maple, by=Actor.for_user(clinician), clinician=clinician, url=ROOM)
    with time_machine.travel(MONDAY, tick=False):
        book(casey, by=owner, clinician=clinician, starts_at=THREE_PM, kind=AppointmentKind.VIDEO)
    [email] = OutboundEmail.objects.filter(client=casey, kind="appointment_booked")
    for part in (email.subject, email.text_body, email.html_body):
        assert "meet.example.com" not in part
        assert clinician.last_name not in part


def test_the_schedule_costs_the_same_queries_for_2_or_8_video_appointments(
    maple: Practice, family: Family, pat: User, owner: User
) -> None:
    def book_videos(hours: range) -> None:
        with time_machine.travel(MONDAY, tick=False):
            for hour in hours:  # Dec 3, hour:00 EST
                client = make_client(maple, owner, f"Video{hour}", "Client")
                book(
                    client if hour % 2 else family.mia,
                    by=owner,
                    clinician=owner,
                    starts_at=datetime(2026, 12, 3, hour + 5, 0, tzinfo=UTC),
                    minutes=30,
                    kind=AppointmentKind.VIDEO,
                )

    def queries() -> int:
        with time_machine.travel(TEN_TO_THREE, tick=False):
            http = staff_session(owner)
            warm_top_bar(maple)
            with CaptureQueriesContext(connection) as captured:
                page = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-03")
            assert page.status_code == 200
        return len(captured)

    book_videos(range(8, 10))
    few = queries()
    book_videos(range(10, 16))
    assert queries() == few
