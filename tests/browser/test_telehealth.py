"""Telehealth in a real browser, on a desktop and on a phone.

Frank (front desk) books a video appointment for Mia, a minor whose parent Pat has no
telehealth consent recorded → Pat's portal says why Join is not available, and Frank
sees the reason with the button that fixes it → Frank records the consent → at 1:44 PM
Pat is told Join opens at 1:45; at 1:45 PM the Join button is there, and it opens the
practice's room (the browser is sent to the https address).

The clock is moved with time-machine: the live server runs in this process, so its
thread sees the same time (tick=True keeps it running between moves).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.appointments.models import Appointment, AppointmentKind
from portico.appointments.rooms import set_practice_room
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import Family, at, invite, register_new

ROOM = "https://video.example.test/maple-room"
ZONE = ZoneInfo("America/New_York")
# The local mailbox is harmless here and brings the static files the pages need.
pytestmark = pytest.mark.usefixtures("local_mailbox")


def at_local(day: Any, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=ZONE)


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_parent_without_consent_is_told_why_staff_fix_it_and_join_opens_on_the_minute(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    tab_factory: Any,
    maple: Practice,
    family: Family,
    owner: User,
    front_desk: User,
) -> None:
    # A few days ahead of the real clock: the browser keeps the session cookies.
    day = (timezone.now() + timedelta(days=3)).astimezone(ZONE).date()
    with time_machine.travel(at_local(day, 13, 30), tick=True) as clock:
        set_practice_room(maple, by=Actor.for_user(owner), url=ROOM)
        pat = register_new(invite(family.pat_for_mia, owner), username="pat")

        # Frank books Mia's video appointment at 2:00 PM.
        staff = tab_factory(device)
        sign_in_as(staff, live_server, front_desk)
        staff.goto(at(maple, "staff_appointments:new") + f"?client={family.mia.public_id}")
        staff.get_by_label("Clinician").select_option(label="Olivia Owner")
        staff.get_by_label("Date", exact=True).fill(day.isoformat())
        staff.get_by_label("Start time").fill("14:00")
        staff.get_by_label("Length in minutes").fill("50")
        staff.get_by_label("Video").check()
        staff.get_by_role("button", name="Book the appointment").click()
        staff.get_by_text("Booked for Mia Parent").wait_for()
        appointment = Appointment.objects.get(client=family.mia)
        assert appointment.kind == AppointmentKind.VIDEO

        # Staff see why nobody can join, and the one button that fixes it.
        staff.get_by_text("No telehealth consent recorded for Pat Parent").wait_for()
        fix = staff.get_by_role("button", name="Record telehealth consent for Pat Parent")
        expect(fix).to_be_visible()
        screenshot(staff, f"telehealth-staff-reason-{device}")

        # Pat's portal says why there is no Join, in plain words.
        parent = request.getfixturevalue(device)
        sign_in_as(parent, live_server, pat)
        parent.goto(at(maple, "portal_appointments:list"))
        parent.get_by_text(
            "Your practice needs your consent for video sessions before you can join."
        ).wait_for()
        expect(parent.get_by_role("button", name="Join video session")).to_have_count(0)
        screenshot(parent, f"telehealth-portal-consent-missing-{device}")

        # Frank records the consent; the schedule now says when Pat can join.
        fix.click()
        staff.get_by_text("Telehealth consent for Pat Parent was recorded.").wait_for()
        staff.goto(at(maple, "staff_appointments:list") + f"?day={day.isoformat()}")
        staff.get_by_text("Pat Parent can join from 1:45 PM.").wait_for()
        screenshot(staff, f"telehealth-staff-ready-{device}")

        # 1:44 PM: not yet, and the page says from when.
        clock.move_to(at_local(day, 13, 44, 30))
        parent.reload()
        parent.get_by_text("You can join from 1:45 PM (15 minutes before).").wait_for()
        expect(parent.get_by_role("button", name="Join video session")).to_have_count(0)
        screenshot(parent, f"telehealth-portal-too-early-{device}")

        # 1:45 PM: Join is there and opens the room.
        clock.move_to(at_local(day, 13, 45))
        parent.reload()
        join = parent.get_by_role("button", name="Join video session")
        join.wait_for()
        screenshot(parent, f"telehealth-portal-join-{device}")
        # The POST is re-checked and audited, then answered with a redirect to the room:
        # the browser's next navigation is the room address (Playwright routes do not see
        # redirected requests, so the request itself is what is checked).
        with parent.expect_request(lambda sent: sent.url == ROOM) as navigated:
            join.click()
        assert navigated.value.is_navigation_request()
        assert navigated.value.redirected_from is not None
        assert navigated.value.redirected_from.url.endswith(f"/video/{appointment.public_id}/join/")

    [joined] = AuditEvent.objects.filter(action=Action.TELEHEALTH_JOINED)
    assert joined.actor_id == pat.pk and joined.client_id == family.mia.pk
    assert joined.details["person"] == "Pat Parent"
