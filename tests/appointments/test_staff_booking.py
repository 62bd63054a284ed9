"""Staff book, move and cancel: bad input in words, role boundaries, other practices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from portico.accounts.models import User
from portico.appointments.actions import Slot, cancel_appointment, change_appointment
from portico.appointments.models import Appointment, AppointmentStatus
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.appointments.conftest import book, staff_session
from tests.cast import at, make_client
from tests.top_bar import warm_top_bar

# Monday, November 30, 2026, 9:00 AM in New York (EST, UTC-5).
MONDAY_9AM = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
DEC_1_2PM = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # Tue, Dec 1, 2:00 PM EST


def form_data(client: Client | None, clinician: User, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "clinician": clinician.pk,
        "date": "2026-12-01",
        "time": "14:00",
        "duration_minutes": 50,
        "kind": "in_person",
        "location": "Room 2",
        "client_note": "",
    }
    if client is not None:
        data["client"] = str(client.public_id)
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def _monday_morning() -> object:
    with time_machine.travel(MONDAY_9AM, tick=False):
        yield


def test_front_desk_books_for_a_clinician_and_the_client_is_emailed(
    maple: Practice, casey: Client, lee: User, front_desk: User
) -> None:
    http = staff_session(front_desk)
    response = http.post(at(maple, "staff_appointments:new"), form_data(casey, lee))
    assert response.status_code == 302, response.content.decode()[:2000]
    appointment = Appointment.objects.get(client=casey)
    assert appointment.starts_at == DEC_1_2PM
    assert appointment.ends_at == DEC_1_2PM + timedelta(minutes=50)
    assert appointment.clinician == lee and appointment.created_by == front_desk
    email = OutboundEmail.objects.get(kind=EmailKind.APPOINTMENT_BOOKED)
    assert email.to_address == "casey@example.com"
    assert "Tuesday, December 1 at 2:00 PM EST" in email.text_body
    assert AuditEvent.objects.filter(action="appointments.booked", client=casey).exists()


def test_an_overlapping_appointment_is_refused_naming_the_conflicting_time(
    maple: Practice, casey: Client, noah: Client, lee: User, owner: User
) -> None:
    book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    http = staff_session(owner)
    response = http.post(at(maple, "staff_appointments:new"), form_data(noah, lee, time="14:30"))
    assert response.status_code == 400
    assert "Dr. Lee already has an appointment 2:00–2:50 PM on Tue, Dec 1" in (
        response.content.decode()
    )
    assert not Appointment.objects.filter(client=noah).exists()


def test_back_to_back_and_cancelled_appointments_do_not_overlap(
    maple: Practice, casey: Client, noah: Client, lee: User, owner: User
) -> None:
    first = book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    book(noah, by=owner, clinician=lee, starts_at=DEC_1_2PM + timedelta(minutes=50))
    cancel_appointment(first, by=Actor.for_user(owner))
    again = book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM, minutes=50)
    assert again.status == AppointmentStatus.BOOKED


def test_another_clinician_may_have_the_same_time(
    casey: Client, noah: Client, lee: User, clinician: User, owner: User
) -> None:
    book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    assert book(noah, by=owner, clinician=clinician, starts_at=DEC_1_2PM).pk


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date": "2026-11-30", "time": "08:59"}, "time", "That time has already passed"),
        ({"duration_minutes": 0}, "duration_minutes", "at least 1 minute"),
        ({"duration_minutes": -5}, "duration_minutes", "at least 1 minute"),
        ({"duration_minutes": 481}, "duration_minutes", "at most 8 hours (480 minutes)"),
        ({"date": "next week"}, "date", "Enter the date as MM/DD/YYYY."),
        ({"time": "25:00"}, "time", "Enter the time like 2:30 PM"),
    ],
)
def test_bad_input_is_refused_in_plain_words_on_its_field(
    maple: Practice,
    casey: Client,
    lee: User,
    owner: User,
    change: dict[str, object],
    field: str,
    words: str,
) -> None:
    response = staff_session(owner).post(
        at(maple, "staff_appointments:new"), form_data(casey, lee, **change)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert f'id="id_{field}_error"' in page
    assert not Appointment.objects.exists()


def test_eight_hours_is_the_longest_appointment(casey: Client, lee: User, owner: User) -> None:
    assert book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM, minutes=480).pk
    with pytest.raises(ValidationError):
        book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM + timedelta(days=1), minutes=481)


def test_a_clinician_books_only_for_themself(
    maple: Practice, casey: Client, clinician: User, lee: User
) -> None:
    http = staff_session(clinician)
    response = http.post(at(maple, "staff_appointments:new"), form_data(casey, lee))
    assert response.status_code == 400
    assert "Choose a clinician of this practice." in response.content.decode()
    with pytest.raises(PermissionDenied):
        book(casey, by=clinician, clinician=lee, starts_at=DEC_1_2PM)
    assert book(casey, by=clinician, clinician=clinician, starts_at=DEC_1_2PM).pk


def test_a_clinician_gets_404_for_another_clinicians_appointment(
    maple: Practice, casey: Client, clinician: User, lee: User, owner: User
) -> None:
    theirs = book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    http = staff_session(clinician)
    for name in ("staff_appointments:edit", "staff_appointments:cancel"):
        assert http.get(at(maple, name, theirs.public_id)).status_code == 404
        assert http.post(at(maple, name, theirs.public_id), {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_booked
    listed = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-01").content.decode()
    assert "Casey Client" not in listed
    client_page = http.get(at(maple, "staff_appointments:client", casey.public_id))
    assert "Casey" in client_page.content.decode() and "Room 2" not in client_page.content.decode()
    with pytest.raises(PermissionDenied):
        cancel_appointment(theirs, by=Actor.for_user(clinician))


def test_a_clinician_moves_and_cancels_their_own(
    maple: Practice, casey: Client, clinician: User, owner: User
) -> None:
    mine = book(casey, by=owner, clinician=clinician, starts_at=DEC_1_2PM)
    http = staff_session(clinician)
    response = http.post(
        at(maple, "staff_appointments:edit", mine.public_id),
        form_data(None, clinician, time="16:00"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    assert mine.starts_at == DEC_1_2PM + timedelta(hours=2) and mine.sequence == 1
    changed = OutboundEmail.objects.get(kind=EmailKind.APPOINTMENT_CHANGED)
    assert "4:00 PM EST" in changed.text_body
    confirm = http.get(at(maple, "staff_appointments:cancel", mine.public_id))
    assert "Cancel this appointment?" in confirm.content.decode()
    assert http.post(at(maple, "staff_appointments:cancel", mine.public_id)).status_code == 302
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED and mine.cancelled_by == clinician
    assert mine.cancelled_by_side == "practice" and mine.sequence == 2
    assert OutboundEmail.objects.filter(kind=EmailKind.APPOINTMENT_CANCELLED).count() == 1


def test_moving_into_another_appointment_is_refused_but_moving_within_itself_is_not(
    casey: Client, noah: Client, lee: User, owner: User
) -> None:
    first = book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    second = book(noah, by=owner, clinician=lee, starts_at=DEC_1_2PM + timedelta(hours=1))
    slot = Slot(
        clinician=lee,
        starts_at=DEC_1_2PM + timedelta(minutes=30),
        duration_minutes=50,
        kind="video",
    )
    with pytest.raises(ValidationError) as refused:
        change_appointment(second, by=Actor.for_user(owner), slot=slot)
    assert "2:00–2:50 PM on Tue, Dec 1" in str(refused.value)
    moved = change_appointment(
        first,
        by=Actor.for_user(owner),
        slot=Slot(
            clinician=lee,
            starts_at=DEC_1_2PM - timedelta(minutes=10),
            duration_minutes=50,
            kind="video",
        ),
    )
    assert moved.starts_at == DEC_1_2PM - timedelta(minutes=10)


def test_a_past_or_cancelled_appointment_cannot_be_changed(
    casey: Client, lee: User, owner: User
) -> None:
    soon = book(casey, by=owner, clinician=lee, starts_at=MONDAY_9AM + timedelta(hours=1))
    slot = Slot(clinician=lee, starts_at=DEC_1_2PM, duration_minutes=50, kind="in_person")
    with (
        time_machine.travel(MONDAY_9AM + timedelta(hours=1, minutes=5), tick=False),
        pytest.raises(ValidationError, match="already started"),
    ):
        change_appointment(soon, by=Actor.for_user(owner), slot=slot)
    cancel_appointment(soon, by=Actor.for_user(owner))
    with pytest.raises(ValidationError, match="cancelled"):
        change_appointment(soon, by=Actor.for_user(owner), slot=slot)


def test_the_outsider_gets_404_for_maples_appointments_and_clients(
    birch: Practice, casey: Client, lee: User, owner: User, outsider: User
) -> None:
    appointment = book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    http = staff_session(outsider)
    for name in ("staff_appointments:edit", "staff_appointments:cancel"):
        assert http.get(at(birch, name, appointment.public_id)).status_code == 404
        assert http.post(at(birch, name, appointment.public_id)).status_code == 404
    assert http.get(at(birch, "staff_appointments:client", casey.public_id)).status_code == 404
    response = http.get(at(birch, "staff_appointments:new") + f"?client={casey.public_id}")
    assert "Casey" not in response.content.decode()


def test_the_schedule_names_the_zone_and_filters_by_clinician_and_week(
    maple: Practice, casey: Client, noah: Client, lee: User, clinician: User, owner: User
) -> None:
    book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM)
    book(noah, by=owner, clinician=clinician, starts_at=DEC_1_2PM + timedelta(days=2))
    http = staff_session(owner)
    day = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-01").content.decode()
    assert "America/New_York (EST)" in day
    assert "Casey Client" in day and "Noah Nomail" not in day and "2:00 PM–2:50 PM" in day
    week = http.get(at(maple, "staff_appointments:list") + "?day=2026-11-30&view=week")
    assert "Noah Nomail" in week.content.decode()
    only_lee = http.get(
        at(maple, "staff_appointments:list") + f"?day=2026-11-30&view=week&clinician={lee.pk}"
    ).content.decode()
    assert "Casey Client" in only_lee and "Noah Nomail" not in only_lee


def test_the_schedule_takes_a_fixed_number_of_queries(
    maple: Practice, casey: Client, lee: User, owner: User, django_assert_max_num_queries: object
) -> None:
    for hour in range(6):
        book(casey, by=owner, clinician=lee, starts_at=DEC_1_2PM + timedelta(hours=hour))
    http = staff_session(owner)
    warm_top_bar(maple)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = http.get(at(maple, "staff_appointments:list") + "?day=2026-12-01")
    assert response.content.decode().count(">Casey Client</a>") == 6


def test_booking_starts_by_finding_the_client_not_by_listing_every_client(
    maple: Practice, owner: User, casey: Client, noah: Client
) -> None:
    http = staff_session(owner)
    first = http.get(at(maple, "staff_appointments:new")).content.decode()
    assert "Casey" not in first and "Noah" not in first
    found = http.get(at(maple, "staff_appointments:new") + "?q=cas").content.decode()
    assert f"?client={casey.public_id}" in found
    assert str(noah.public_id) not in found
    form = http.get(at(maple, "staff_appointments:new") + f"?client={casey.public_id}")
    page = form.content.decode()
    assert f'type="hidden" name="client" value="{casey.public_id}"' in page
    assert '<select name="client"' not in page


def test_another_practices_client_cannot_be_booked_even_by_a_forged_form(
    maple: Practice, owner: User, lee: User, birch: Practice, outsider: User
) -> None:
    stranger = make_client(birch, outsider, "Sam", "Stranger")
    http = staff_session(owner)
    response = http.post(at(maple, "staff_appointments:new"), form_data(stranger, lee))
    assert response.status_code == 200
    assert "First find the client" in response.content.decode()
    assert not Appointment.objects.exists()
