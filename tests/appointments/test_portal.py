"""The portal's appointments: the zone named, cancelling up to the notice period to the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.appointments.actions import update_appointment_settings
from portico.appointments.models import Appointment, AppointmentKind, AppointmentStatus
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import PortalFeature, Practice
from tests.appointments.conftest import book, portal_session
from tests.cast import Family, at, end_contact_access

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon, Nov 30, 9:00 AM EST
THURSDAY_3PM = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu, Dec 3, 3:00 PM EST


@pytest.fixture(autouse=True)
def _monday() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def casey_http(maple: Practice, casey_account: User) -> HttpClient:
    return portal_session(maple, "casey")


@pytest.fixture
def thursday(casey: Client, clinician: User, owner: User) -> Appointment:
    return book(
        casey,
        by=owner,
        clinician=clinician,
        starts_at=THURSDAY_3PM,
        note="Please arrive 10 minutes early",
    )


def test_the_client_sees_upcoming_and_past_in_the_practices_zone_named(
    maple: Practice,
    casey: Client,
    clinician: User,
    owner: User,
    thursday: Appointment,
    casey_http: HttpClient,
) -> None:
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        book(casey, by=owner, clinician=clinician, starts_at=NOW - timedelta(days=7))
    page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
    assert "America/New_York (EST)" in page
    assert "Thu, Dec 3, 3:00 PM–3:50 PM EST" in page
    assert "Please arrive 10 minutes early" in page
    assert "Past" in page and "Mon, Nov 23, 9:00 AM–9:50 AM EST" in page
    assert "Cancel this appointment" in page


def test_a_client_far_from_the_practice_still_reads_the_practices_zone(
    maple: Practice,
    casey: Client,
    clinician: User,
    owner: User,
    casey_http: HttpClient,
    settings: object,
) -> None:
    """A Denver practice; the server's and the reader's zones play no part."""
    maple.timezone = "America/Denver"
    maple.save(update_fields=["timezone"])
    settings.TIME_ZONE = "Asia/Tokyo"  # type: ignore[attr-defined]
    book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
    assert "America/Denver (MST)" in page
    assert "Thu, Dec 3, 1:00 PM–1:50 PM MST" in page
    email = OutboundEmail.objects.get(kind=EmailKind.APPOINTMENT_BOOKED)
    assert "Thursday, December 3 at 1:00 PM MST" in email.text_body


def test_the_client_cancels_up_to_the_notice_period_to_the_minute(
    maple: Practice, thursday: Appointment, casey_account: User
) -> None:
    cancel_url = at(maple, "portal_appointments:cancel", thursday.public_id)
    deadline = THURSDAY_3PM - timedelta(hours=24)
    with time_machine.travel(deadline - timedelta(minutes=5), tick=False):
        casey_http = portal_session(maple, "casey")  # signed in a few minutes before
    with time_machine.travel(deadline + timedelta(minutes=1), tick=False):
        page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "Cancel this appointment" not in page
        assert "please call Maple Counseling" in page
        refused = casey_http.post(cancel_url)
        assert refused.status_code == 400
        assert "too late to cancel here" in refused.content.decode()
        thursday.refresh_from_db()
        assert thursday.is_booked
    with time_machine.travel(deadline, tick=False):
        assert casey_http.post(cancel_url).status_code == 302
    thursday.refresh_from_db()
    assert thursday.status == AppointmentStatus.CANCELLED
    assert thursday.cancelled_by_side == "client" and thursday.cancelled_at == deadline
    assert OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_CANCELLED).count() == 1
    assert AuditEvent.objects.filter(action="appointments.cancelled").exists()


def test_the_notice_period_is_the_practices_own(
    maple: Practice, owner: User, thursday: Appointment, casey_account: User
) -> None:
    update_appointment_settings(maple, by=Actor.for_user(owner), notice_hours=2, reminder_hours=24)
    with time_machine.travel(THURSDAY_3PM - timedelta(hours=2, minutes=1), tick=False):
        casey_http = portal_session(maple, "casey")
        page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "Cancel this appointment" in page
    with time_machine.travel(THURSDAY_3PM - timedelta(hours=1, minutes=59), tick=False):
        page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
        assert "Cancel this appointment" not in page and "less than 2 hours away" in page


def test_cancelling_asks_first(
    maple: Practice, thursday: Appointment, casey_http: HttpClient
) -> None:
    page = casey_http.get(at(maple, "portal_appointments:cancel", thursday.public_id))
    assert "Cancel this appointment?" in page.content.decode()
    thursday.refresh_from_db()
    assert thursday.is_booked


def test_a_parent_acting_for_a_minor_sees_and_cancels_and_is_emailed(
    maple: Practice, family: Family, clinician: User, owner: User, pat: User
) -> None:
    appointment = book(
        family.mia,
        by=owner,
        clinician=clinician,
        starts_at=THURSDAY_3PM,
        kind=AppointmentKind.VIDEO,
        location="",
    )
    booked = OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_BOOKED)
    assert [email.to_address for email in booked] == ["pat.parent@example.com"]
    http = portal_session(maple, "pat")
    page = http.get(at(maple, "portal_appointments:list")).content.decode()
    assert "You are acting for <strong>Mia (your child)</strong>" in page
    assert "Video appointment" in page
    assert (
        http.post(at(maple, "portal_appointments:cancel", appointment.public_id)).status_code == 302
    )
    appointment.refresh_from_db()
    assert appointment.cancelled_by == pat and appointment.cancelled_by_side == "client"


def test_another_clients_appointment_is_404_in_the_portal(
    maple: Practice, noah: Client, clinician: User, owner: User, casey_http: HttpClient
) -> None:
    noahs = book(noah, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    assert (
        casey_http.get(at(maple, "portal_appointments:cancel", noahs.public_id)).status_code == 404
    )
    assert (
        casey_http.post(at(maple, "portal_appointments:cancel", noahs.public_id)).status_code == 404
    )
    assert casey_http.get(at(maple, "portal_appointments:ics", noahs.public_id)).status_code == 404
    noahs.refresh_from_db()
    assert noahs.is_booked


def test_the_calendar_file_needs_sign_in_and_the_feature(
    maple: Practice, thursday: Appointment, casey_http: HttpClient
) -> None:
    url = at(maple, "portal_appointments:ics", thursday.public_id)
    anonymous = HttpClient().get(url)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    served = casey_http.get(url)
    assert served.status_code == 200 and served["Content-Type"].startswith("text/calendar")
    assert "attachment" in served["Content-Disposition"]
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.APPOINTMENTS]
    maple.save(update_fields=["portal_features"])
    assert casey_http.get(url).status_code == 404
    assert casey_http.get(at(maple, "portal_appointments:list")).status_code == 404


def test_a_parent_whose_access_is_revoked_is_refused_on_the_next_request(
    maple: Practice, family: Family, clinician: User, owner: User, pat: User
) -> None:
    appointment = book(family.mia, by=owner, clinician=clinician, starts_at=THURSDAY_3PM)
    http = portal_session(maple, "pat")
    assert http.get(at(maple, "portal_appointments:list")).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    assert http.get(at(maple, "portal_appointments:list")).status_code == 403
    refused = http.post(at(maple, "portal_appointments:cancel", appointment.public_id))
    assert refused.status_code == 403
    assert http.get(at(maple, "portal_appointments:ics", appointment.public_id)).status_code == 404
    appointment.refresh_from_db()
    assert appointment.is_booked


def test_the_portal_list_takes_a_fixed_number_of_queries(
    maple: Practice,
    casey: Client,
    clinician: User,
    owner: User,
    casey_http: HttpClient,
    django_assert_max_num_queries: object,
) -> None:
    for day in range(1, 9):
        book(casey, by=owner, clinician=clinician, starts_at=THURSDAY_3PM + timedelta(days=day))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        page = casey_http.get(at(maple, "portal_appointments:list")).content.decode()
    assert page.count("Add to your calendar") == 8
