"""Self-scheduling in a real browser, on a desktop and on a phone.

Clara publishes weekly hours and a video session → Casey signs in, opens "Book a
time", picks the session and an open time three days ahead, confirms → the
confirmation email (with the calendar link) is in the local mailbox → Casey
cancels it from her appointments, days before the notice period.
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
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.lib.localtime import practice_today
from portico.mail.models import LocalMailboxMessage
from portico.practices.models import Practice
from portico.scheduling.models import Weekday
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at
from tests.mail.conftest import run_worker

pytestmark = pytest.mark.usefixtures("local_mailbox")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_client_self_books_gets_the_email_with_the_calendar_link_and_cancels(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    maple: Practice,
    casey: Client,
    casey_account: User,
    clinician: User,
) -> None:

    tab = request.getfixturevalue(device)
    day = practice_today(maple) + timedelta(days=3)

    # Clara publishes her hours on that weekday and a video session.
    sign_in_as(tab, live_server, clinician)
    tab.goto(at(maple, "staff_scheduling:availability", clinician_id=clinician.pk))
    tab.get_by_label("Day of the week").select_option(label=str(Weekday(day.weekday()).label))
    tab.get_by_label("From", exact=True).fill("09:00")
    tab.get_by_label("Until", exact=True).fill("12:00")
    tab.get_by_role("button", name="Add hours").click()
    tab.get_by_text("Weekly hours added").wait_for()
    tab.get_by_label("Name shown to clients").fill("Video session, 50 minutes")
    tab.get_by_label("Video", exact=True).check()
    tab.get_by_label("Length in minutes").fill("50")
    tab.get_by_role("button", name="Add type").click()
    tab.get_by_text("Appointment type added").wait_for()
    screenshot(tab, f"scheduling-staff-availability-{device}")
    tab.context.clear_cookies()

    # Casey signs in and books the 9:50 AM time three days ahead.
    tab.goto(at(maple, "portal_scheduling:book"))
    tab.get_by_label("Email address or username").fill("casey")
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_role("heading", name="Book a time").wait_for()
    screenshot(tab, f"scheduling-portal-choose-{device}")
    tab.get_by_role("link", name=re.compile("Video session, 50 minutes")).click()
    tab.get_by_role("heading", name=f"{day:%A, %B} {day.day}", exact=True).wait_for()
    expect(tab.get_by_text("America/New_York").first).to_be_visible()
    screenshot(tab, f"scheduling-portal-open-times-{device}")
    tab.get_by_role("link", name="9:50 AM").first.click()
    tab.get_by_role("heading", name="Book this time?").wait_for()
    screenshot(tab, f"scheduling-portal-confirm-{device}")
    tab.get_by_role("button", name="Book this time").click()
    tab.get_by_text("A confirmation with a calendar link is on its way").wait_for()
    tab.get_by_role("heading", name="Appointments", exact=True).wait_for()
    screenshot(tab, f"scheduling-portal-booked-{device}")
    appointment = Appointment.objects.get(client=casey)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.booked_through is not None

    # The confirmation email, with the calendar link, in the local mailbox.
    run_worker()
    mail = LocalMailboxMessage.objects.filter(subject__contains="is booked").latest("received_at")
    assert re.search(r"at 9:50 AM E[SD]T", mail.text_body)
    calendar = re.search(r"https?://\S+/calendar\.ics", mail.text_body)
    assert calendar is not None
    served = tab.context.request.get(urlsplit(calendar.group(0)).path)
    assert served.ok and served.headers["content-type"].startswith("text/calendar")
    assert f"UID:{appointment.public_id}@" in served.text()
    tab.goto(f"/mailbox/{mail.pk}/")
    tab.get_by_role("heading", name="Your appointment with Maple Counseling is booked").wait_for()
    screenshot(tab, f"scheduling-email-booked-{device}")

    # She cancels it from her appointments, days before the 24-hour notice period.
    tab.goto(at(maple, "portal_appointments:list"))
    tab.get_by_role("link", name="Cancel this appointment").click()
    tab.get_by_role("button", name="Yes, cancel it").click()
    tab.get_by_text("is cancelled. Maple Counseling has been told.").wait_for()
    screenshot(tab, f"scheduling-portal-cancelled-{device}")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    # The time is open again for everyone.
    tab.goto(at(maple, "portal_scheduling:book"))
    tab.get_by_role("link", name=re.compile("Video session, 50 minutes")).click()
    tab.get_by_role("link", name="9:50 AM").first.wait_for()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_with_approval_on_the_client_sees_requested_and_staff_approve(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    maple: Practice,
    casey: Client,
    casey_account: User,
    owner: User,
) -> None:
    from portico.scheduling.actions import update_scheduling_settings
    from tests.scheduling.conftest import video_type, weekdays_nine_to_five

    update_scheduling_settings(
        maple, by=Actor.for_user(owner), notice_hours=24, horizon_days=30, requires_approval=True
    )
    weekdays_nine_to_five(owner, by=owner)
    video_type(owner, by=owner)
    tab = request.getfixturevalue(device)
    sign_in_as(tab, live_server, casey_account)
    tab.goto(at(maple, "portal_scheduling:book"))
    tab.get_by_role("link", name=re.compile("Video session, 50 minutes")).click()
    tab.locator(".open-times a").first.click()
    tab.get_by_role("button", name="Book this time").click()
    tab.get_by_text("Requested: Maple Counseling will confirm").wait_for()
    tab.get_by_role("heading", name="Waiting for Maple Counseling to confirm").wait_for()
    screenshot(tab, f"scheduling-portal-requested-{device}")
    appointment = Appointment.objects.get(client=casey)
    assert appointment.status == AppointmentStatus.REQUESTED

    tab.context.clear_cookies()
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "staff_scheduling:requests"))
    screenshot(tab, f"scheduling-staff-requests-{device}")
    tab.get_by_role("button", name="Approve Casey Client").click()
    tab.get_by_text("Approved: Casey Client").wait_for()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    run_worker()
    assert LocalMailboxMessage.objects.filter(subject__contains="is booked").count() == 1
