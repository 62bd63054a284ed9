"""Clients book open times in the portal: the server re-checks, one winner per time,
approval when the practice wants it, and the usual access rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.models import RevokeReason
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentStatus
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import PortalFeature, Practice
from portico.scheduling.actions import update_scheduling_settings
from portico.scheduling.models import BookableType
from tests.appointments.conftest import book, portal_session, staff_session
from tests.cast import PASSWORD, Family, access_of, at, end_contact_access, make_client

MONDAY_9AM = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon, Nov 30, 9:00 AM EST
TUESDAY_10_40 = datetime(2026, 12, 1, 15, 40, tzinfo=UTC)  # an open time: 10:40 AM EST


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


@pytest.fixture
def casey_http(maple: Practice, casey_account: User) -> HttpClient:
    return portal_session(maple, "casey")


@pytest.fixture
def robin_http(maple: Practice, owner: User) -> HttpClient:
    robin = make_client(maple, owner, "Robin", "Second", emails=("robin@example.com",))
    sent = send_invite(robin, by=Actor.for_user(owner))
    redeem_invite(
        sent.link, by=Actor.system(), username="robin", password=PASSWORD, at=timezone.now()
    )
    return portal_session(maple, "robin")


def booking(bookable: BookableType, start: datetime) -> dict[str, str]:
    return {
        "clinician": str(bookable.clinician_id),
        "type": str(bookable.public_id),
        "start": start.isoformat(),
    }


def confirm_url(practice: Practice) -> str:
    return at(practice, "portal_scheduling:confirm")


def test_the_client_sees_open_times_by_day_with_the_zone_named(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    page = casey_http.get(at(maple, "portal_scheduling:book")).content.decode()
    assert "Video session, 50 minutes" in page
    page = casey_http.get(
        at(maple, "portal_scheduling:book") + f"?type={session_type.public_id}"
    ).content.decode()
    assert "America/New_York (EST)" in page
    assert "Tuesday, December 1" in page and "10:40 AM" in page
    assert "Monday, November 30" not in page  # inside the 24 hours' notice


def test_the_client_books_an_open_time_and_gets_the_confirmation_with_the_calendar_link(
    maple: Practice, casey: Client, session_type: BookableType, casey_http: HttpClient
) -> None:
    ask = casey_http.get(
        confirm_url(maple),
        {"type": str(session_type.public_id), "start": TUESDAY_10_40.isoformat()},
    )
    assert "Book this time?" in ask.content.decode()
    response = casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    assert response.status_code == 302
    assert response["Location"] == at(maple, "portal_appointments:list")
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.booked_through == access_of(casey)
    assert (appointment.starts_at, appointment.duration_minutes) == (TUESDAY_10_40, 50)
    email = OutboundEmail.objects.get(kind=EmailKind.APPOINTMENT_BOOKED)
    assert email.to_address == "casey@example.com"
    assert f"/appointments/{appointment.public_id}/calendar.ics" in email.text_body
    assert AuditEvent.objects.filter(action=Action.SCHEDULING_SELF_BOOKED).count() == 1


def test_a_time_just_taken_is_refused_with_the_next_open_times(
    maple: Practice,
    session_type: BookableType,
    casey_http: HttpClient,
    robin_http: HttpClient,
) -> None:
    assert (
        casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40)).status_code == 302
    )
    response = robin_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    assert response.status_code == 409
    page = response.content.decode()
    assert "That time was just taken" in page
    assert "11:30 AM" in page  # the next open time is offered
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (TUESDAY_10_40 + timedelta(minutes=5), "is not available for booking at that time"),
        (datetime(2026, 12, 2, 2, 0, tzinfo=UTC), "is not available for booking at that time"),
        (MONDAY_9AM + timedelta(hours=5), "too soon"),
        (MONDAY_9AM + timedelta(days=31), "too far ahead"),
    ],
)
def test_a_time_outside_availability_notice_or_horizon_is_refused_in_words(
    maple: Practice,
    session_type: BookableType,
    casey_http: HttpClient,
    start: datetime,
    message: str,
) -> None:
    response = casey_http.post(confirm_url(maple), booking(session_type, start))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_forged_clinician_or_a_garbled_time_is_refused(
    maple: Practice, session_type: BookableType, lee: User, casey_http: HttpClient
) -> None:
    forged = {**booking(session_type, TUESDAY_10_40), "clinician": str(lee.pk)}
    assert casey_http.post(confirm_url(maple), forged).status_code == 400
    garbled = {**booking(session_type, TUESDAY_10_40), "start": "next tuesday"}
    assert casey_http.post(confirm_url(maple), garbled).status_code == 400
    assert not Appointment.objects.exists()


def test_with_approval_on_the_booking_is_a_request_until_staff_approve(
    maple: Practice,
    owner: User,
    clinician: User,
    session_type: BookableType,
    casey_http: HttpClient,
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    response = casey_http.post(
        confirm_url(maple), booking(session_type, TUESDAY_10_40), follow=True
    )
    page = response.content.decode()
    assert "Requested: Maple Counseling will confirm" in page
    assert "Waiting for Maple Counseling to confirm" in page
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.REQUESTED
    assert not OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_BOOKED).exists()
    staff = staff_session(clinician)
    assert "Casey Client" in staff.get(at(maple, "staff_scheduling:requests")).content.decode()
    approved = staff.post(
        at(maple, "staff_scheduling:requests"),
        {"appointment": str(appointment.public_id), "decision": "approve"},
    )
    assert approved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_BOOKED).count() == 1
    assert AuditEvent.objects.filter(action=Action.SCHEDULING_APPROVED).count() == 1


def test_a_declined_request_is_cancelled_and_the_client_is_told(
    maple: Practice,
    owner: User,
    session_type: BookableType,
    casey_http: HttpClient,
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    appointment = Appointment.objects.get()
    response = staff_session(owner).post(
        at(maple, "staff_scheduling:requests"),
        {"appointment": str(appointment.public_id), "decision": "decline"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_CANCELLED).count() == 1
    assert AuditEvent.objects.filter(action=Action.SCHEDULING_DECLINED).count() == 1


def test_a_request_holds_its_time_against_other_clients(
    maple: Practice,
    owner: User,
    session_type: BookableType,
    casey_http: HttpClient,
    robin_http: HttpClient,
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    response = robin_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    assert response.status_code == 409


def test_another_clinician_cannot_answer_a_request_and_the_outsider_cannot_see_it(
    maple: Practice,
    birch: Practice,
    owner: User,
    lee: User,
    session_type: BookableType,
    casey_http: HttpClient,
    outsider_http: HttpClient,
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    appointment = Appointment.objects.get()
    answer = {"appointment": str(appointment.public_id), "decision": "approve"}
    assert (
        staff_session(lee).post(at(maple, "staff_scheduling:requests"), answer).status_code == 404
    )
    assert outsider_http.post(at(birch, "staff_scheduling:requests"), answer).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REQUESTED


def test_the_client_cancels_a_self_booked_appointment_before_the_notice_period(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    appointment = Appointment.objects.get()
    cancel = at(maple, "portal_appointments:cancel", appointment.public_id)
    assert casey_http.post(cancel).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_parent_books_for_their_child_and_is_refused_once_access_is_revoked(
    maple: Practice,
    family: Family,
    owner: User,
    session_type: BookableType,
    pat: User,
) -> None:
    http = portal_session(maple, "pat")
    assert "booking for" in http.get(at(maple, "portal_scheduling:book")).content.decode()
    assert http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40)).status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.client == family.mia
    assert appointment.booked_through == access_of(family.pat_for_mia)
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    later = booking(session_type, TUESDAY_10_40 + timedelta(minutes=50))
    assert http.post(confirm_url(maple), later).status_code == 403
    assert http.get(at(maple, "portal_scheduling:book")).status_code == 403
    assert Appointment.objects.count() == 1


def test_another_practices_type_is_404(
    maple: Practice, birch: Practice, outsider: User, casey_http: HttpClient
) -> None:
    from tests.scheduling.conftest import video_type, weekdays_nine_to_five

    weekdays_nine_to_five(outsider, by=outsider)
    theirs = video_type(outsider, by=outsider)
    url = at(maple, "portal_scheduling:book") + f"?type={theirs.public_id}"
    assert casey_http.get(url).status_code == 404
    assert casey_http.post(confirm_url(maple), booking(theirs, TUESDAY_10_40)).status_code == 404
    assert not Appointment.objects.exists()


def test_with_the_feature_off_every_booking_page_is_404(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.SELF_SCHEDULING]
    maple.save(update_fields=["portal_features"])
    assert casey_http.get(at(maple, "portal_scheduling:book")).status_code == 404
    assert (
        casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40)).status_code == 404
    )
    assert not Appointment.objects.exists()


def test_a_staff_booking_takes_the_time_from_clients(
    maple: Practice,
    casey: Client,
    owner: User,
    clinician: User,
    session_type: BookableType,
    casey_http: HttpClient,
) -> None:
    book(casey, by=owner, clinician=clinician, starts_at=TUESDAY_10_40 + timedelta(minutes=20))
    response = casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    assert response.status_code == 409


def test_the_open_times_page_takes_a_fixed_number_of_queries(
    maple: Practice, owner: User, session_type: BookableType, casey_http: HttpClient
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = at(maple, "portal_scheduling:book") + f"?type={session_type.public_id}"
    casey_http.get(url)
    with CaptureQueriesContext(connection) as few:
        casey_http.get(url)
    for n in range(5):
        book_at = TUESDAY_10_40 + timedelta(days=7 * (n + 1))
        book(make_client(maple, owner, "Busy", f"N{n}"), by=owner, clinician=session_type.clinician,
             starts_at=book_at)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = casey_http.get(url)
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_request_is_shown_waiting_not_cancelled_and_can_be_withdrawn(
    maple: Practice,
    owner: User,
    session_type: BookableType,
    casey_http: HttpClient,
) -> None:
    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    casey_http.post(confirm_url(maple), booking(session_type, TUESDAY_10_40))
    requested = Appointment.objects.get()
    page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
    assert "Waiting for Maple Counseling to confirm" in page
    assert "Cancelled" not in page
    withdraw = at(maple, "portal_appointments:cancel", requested.public_id)
    assert "Withdraw this request" in casey_http.get(withdraw).content.decode()
    casey_http.post(withdraw)
    requested.refresh_from_db()
    assert requested.status == AppointmentStatus.CANCELLED


def test_one_client_cannot_take_every_open_time_the_fourth_is_refused_in_words(
    maple: Practice, session_type: BookableType, casey_http: HttpClient
) -> None:
    for minutes in (-100, -50, 0):
        start = TUESDAY_10_40 + timedelta(minutes=minutes)
        assert casey_http.post(confirm_url(maple), booking(session_type, start)).status_code == 302
    fourth = casey_http.post(
        confirm_url(maple), booking(session_type, TUESDAY_10_40 + timedelta(minutes=50))
    )
    assert fourth.status_code == 400
    assert "You already have 3 upcoming appointments booked here" in fourth.content.decode()
    assert Appointment.objects.count() == 3
