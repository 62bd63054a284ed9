"""Intake forms in a real browser: a new client is led to two forms right after registering.

Staff (desktop) add a client; the invitation arrives; the client (phone) registers and
lands on the first intake form, saves a draft, fixes an error, submits, is taken to
the second, and finishes; staff read the answers, print-friendly. Then a parent
(desktop) completes a child's form, and the submission names the parent.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.intake import actions
from portico.intake.models import Assignment, AssignmentStatus
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.browser.test_access_flow import deliver_queued
from tests.cast import PASSWORD, at, by, invite, make_family, register_new
from tests.intake.helpers import about_you, consent

pytestmark = pytest.mark.usefixtures("local_mailbox")


NEW_PASSWORD = "river stones and lanterns 7"


def test_a_new_client_registers_and_is_led_through_the_two_intake_forms(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:

    about_you(maple, owner, in_intake_set=True, intake_order=1)
    consent(maple, owner, in_intake_set=True, intake_order=2)

    # Staff add a client: the invitation goes out, the intake set is given with no email.
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "staff_forms:list"))
    screenshot(page, "forms-01-builder-list-desktop")
    page.get_by_role("link", name="About you").click()
    page.get_by_role("heading", name="Questions").wait_for()
    screenshot(page, "forms-01b-build-desktop")
    sign_in_as(phone, live_server, owner)
    phone.goto(page.url)
    screenshot(phone, "forms-01c-build-phone")
    phone.context.clear_cookies()
    page.goto(at(maple, "clients:add"))
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Lake")
    page.get_by_label("Date of birth").fill("03/08/1992")
    page.get_by_label("Email address").fill("robin.lake@example.com")
    page.get_by_role("button", name=re.compile("Add client")).click()
    page.get_by_role("heading", name="Portal access").wait_for()
    deliver_queued()
    page.goto("/mailbox/")
    page.get_by_role("link", name=re.compile("Set up your Maple Counseling")).click()
    page.wait_for_url("**/mailbox/*/")
    match = re.search(r"/p/maple/welcome/([A-Za-z0-9_-]+)/", page.content())
    assert match, "the invitation link is in the email"

    # The client registers on a phone and lands on the first intake form.
    phone.goto(match.group(0))
    phone.get_by_role("link", name="Get started").click()
    phone.get_by_label("Your date of birth").fill("03/08/1992")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type the password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set up my account").click()
    phone.get_by_role("heading", name="About you").wait_for()
    assert re.search(r"/p/maple/forms/[0-9a-f-]{36}/$", phone.url), phone.url
    screenshot(phone, "forms-02-first-intake-form-phone")

    # Half of it, then "Save draft": kept on the server.
    phone.get_by_label("Preferred name").fill("Rob")
    phone.get_by_label("What brings you here?").fill("Trouble sleeping since the spring.")
    phone.get_by_role("button", name="Save draft").click()
    phone.get_by_text("Your answers are saved").wait_for()
    screenshot(phone, "forms-03-draft-saved-phone")
    about = Assignment.objects.get(client__first_name="Robin", form__title="About you")
    assert about.status == AssignmentStatus.DRAFT

    # Submit with one answer missing: the error is at the field, nothing typed is lost.
    phone.get_by_label("A friend").check()
    phone.get_by_label("Date of first symptoms").fill("2026-03-15")
    phone.get_by_label("No", exact=True).check()
    phone.get_by_label("Type your full name").fill("Robin Lake")
    phone.get_by_role("button", name="Submit").click()
    phone.get_by_text("Tick “I agree” to sign.").wait_for()
    assert phone.get_by_label("Type your full name").input_value() == "Robin Lake"
    assert phone.get_by_label("Preferred name").input_value() == "Rob"
    screenshot(phone, "forms-04-error-kept-phone")
    phone.get_by_label("I agree").check()
    phone.get_by_role("button", name="Submit").click()

    # Taken to the second form; finish it and land on the list.
    phone.get_by_role("heading", name="Consent for services").wait_for()
    phone.get_by_text("1 more form to go").wait_for()
    screenshot(phone, "forms-05-second-form-phone")
    phone.get_by_label("Type your full name").fill("Robin Lake")
    phone.get_by_label("I agree").check()
    phone.get_by_role("button", name="Submit").click()
    phone.get_by_text("You have no more forms to fill in.").wait_for()
    screenshot(phone, "forms-06-all-done-phone")
    assert (
        Assignment.objects.filter(
            client__first_name="Robin", status=AssignmentStatus.SUBMITTED
        ).count()
        == 2
    )

    # Staff see the answers, print-friendly.
    client = about.client
    page.goto(at(maple, "staff_forms:client_forms", client.public_id))
    screenshot(page, "forms-07-client-forms-desktop")
    page.get_by_role("link", name="Read answers to About you").click()
    page.get_by_text("Trouble sleeping since the spring.").wait_for()
    assert "Signed “Robin Lake”" in page.content()
    screenshot(page, "forms-08-answers-desktop")
    page.emulate_media(media="print")
    screenshot(page, "forms-09-answers-print-desktop")
    expect(page.locator(".topbar")).not_to_be_visible()


def test_a_parent_completes_a_childs_form_and_staff_see_who_submitted(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    form = consent(maple, owner)
    family = make_family(maple, owner)
    actions.send_form(family.mia, form, by=by(owner))
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    assert pat.check_password(PASSWORD)

    sign_in_as(phone, live_server, pat)
    phone.goto(at(maple, "portal_forms:list"))
    phone.get_by_role("heading", name="Forms for Mia").wait_for()
    screenshot(phone, "forms-10-parent-list-phone")
    phone.get_by_role("link", name="Start Consent for services").click()
    phone.get_by_text("You are filling this in for").wait_for()
    phone.get_by_label("Type your full name").fill("Pat Parent")
    phone.get_by_label("I agree").check()
    screenshot(phone, "forms-11-parent-fills-phone")
    phone.get_by_role("button", name="Submit").click()
    phone.get_by_text("You have no more forms to fill in.").wait_for()

    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "staff_forms:client_forms", family.mia.public_id))
    page.get_by_text("by Pat Parent (parent)").wait_for()
    screenshot(page, "forms-12-child-forms-desktop")
