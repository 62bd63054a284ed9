"""Appointments in a real browser, on a desktop and on a phone.

The front desk books Casey with Clara → the confirmation email (date, time with
the zone, place; nothing else) links to the portal and to the calendar file →
Casey signs in, sees the appointment in the practice's zone, downloads the .ics,
and cancels it well before the notice period → the cancellation email goes out.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentStatus
from portico.clients.models import Client
from portico.lib.localtime import practice_today
from portico.mail.models import LocalMailboxMessage
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at
from tests.mail.conftest import run_worker

pytestmark = pytest.mark.usefixtures("local_mailbox")


NOTE = "Bring your insurance card"


@pytest.mark.parametrize("device", ["page", "phone"])
def test_staff_book_the_client_is_emailed_sees_it_gets_the_calendar_file_and_cancels(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    tab_factory: Any,
    maple: Practice,
    casey: Client,
    casey_account: User,
    clinician: User,
    front_desk: User,
) -> None:

    day = practice_today(maple) + timedelta(days=3)

    # Frank at the front desk books Casey with Clara, from Casey's appointments page.
    staff = tab_factory(device)
    sign_in_as(staff, live_server, front_desk)
    staff.goto(at(maple, "staff_appointments:client", casey.public_id))
    staff.get_by_role("link", name="Book an appointment").click()
    staff.get_by_role("heading", name="Book an appointment").wait_for()
    assert staff.locator("input[name=client]").input_value() == str(casey.public_id)
    staff.get_by_text(f"Client: {casey.full_name}").wait_for()
    staff.get_by_label("Clinician").select_option(label="Clara Staff")
    staff.get_by_label("Date", exact=True).fill(day.isoformat())
    staff.get_by_label("Start time").fill("14:00")
    staff.get_by_label("Length in minutes").fill("50")
    staff.get_by_label("In person").check()
    staff.get_by_label("Location or room (optional)").fill("Room 2")
    staff.get_by_label("Note for the client (optional)").fill(NOTE)
    screenshot(staff, f"appointments-staff-book-{device}")
    staff.get_by_role("button", name="Book the appointment").click()
    staff.get_by_text("Booked for Casey Client").wait_for()
    expect(staff.get_by_text("America/New_York").first).to_be_visible()
    screenshot(staff, f"appointments-staff-schedule-{device}")
    appointment = Appointment.objects.get(client=casey)

    # The email: when, how, where, and the two links; never the note or the clinician.
    run_worker()
    mail = LocalMailboxMessage.objects.filter(subject__contains="is booked").latest("received_at")
    for part in (mail.text_body, mail.html_body):
        assert NOTE not in part and "Clara" not in part
    assert re.search(r"at 2:00 PM E[SD]T", mail.text_body)
    client_tab = request.getfixturevalue(device)
    client_tab.goto(f"/mailbox/{mail.pk}/")
    client_tab.get_by_role(
        "heading", name="Your appointment with Maple Counseling is booked"
    ).wait_for()
    screenshot(client_tab, f"appointments-email-booked-{device}")

    # Casey follows the link, signs in, and sees it in the practice's zone.
    link = re.search(r"https?://\S+/appointments/(?=\s)", mail.text_body)
    assert link is not None
    client_tab.goto(urlsplit(link.group(0)).path)
    client_tab.get_by_label("Email address or username").fill("casey")
    client_tab.get_by_label("Password", exact=True).fill(PASSWORD)
    client_tab.get_by_role("button", name="Sign in").click()
    client_tab.get_by_role("heading", name="Appointments", exact=True).wait_for()
    expect(client_tab.get_by_text("America/New_York")).to_be_visible()
    expect(client_tab.get_by_text(NOTE)).to_be_visible()
    screenshot(client_tab, f"appointments-portal-list-{device}")

    # The calendar link of the email serves the .ics to the signed-in client.
    calendar = re.search(r"https?://\S+/calendar\.ics", mail.text_body)
    assert calendar is not None
    served = client_tab.context.request.get(urlsplit(calendar.group(0)).path)
    assert served.ok and served.headers["content-type"].startswith("text/calendar")
    body = served.text()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Appointment with Maple" in body
    assert f"UID:{appointment.public_id}@" in body

    # She cancels, days before the 24-hour notice period.
    client_tab.get_by_role("link", name="Cancel this appointment").click()
    client_tab.get_by_role("heading", name="Cancel this appointment?").wait_for()
    screenshot(client_tab, f"appointments-portal-cancel-confirm-{device}")
    client_tab.get_by_role("button", name="Yes, cancel it").click()
    client_tab.get_by_text("is cancelled. Maple Counseling has been told.").wait_for()
    expect(client_tab.get_by_text("Cancelled", exact=True)).to_be_visible()
    screenshot(client_tab, f"appointments-portal-cancelled-{device}")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by_side == "client"
    run_worker()
    assert LocalMailboxMessage.objects.filter(subject__contains="is cancelled").count() == 1

    # Staff see it cancelled by the client's side.
    staff.goto(at(maple, "staff_appointments:client", casey.public_id))
    staff.get_by_text("by the client's side").wait_for()
    screenshot(staff, f"appointments-staff-client-cancelled-{device}")
