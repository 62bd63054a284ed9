"""Two-step sign-in in a real browser: authenticator-app enrolment and sign-in (the code
computed from the key shown on the page), a recovery code, and an owner's reset."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.practices.models import Practice
from portico.twofactor.methods import has_second_factor
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at
from tests.twofactor.helpers import enrol, require_staff_two_factor


def _password(tab: Any, practice: Practice, email: str) -> None:
    tab.goto(at(practice, "accounts:staff_sign_in"))
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_an_owner_sets_up_an_app_after_the_password_and_signs_in_with_it(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    require_staff_two_factor(maple)
    _password(page, maple, "olivia@maple.test")
    page.wait_for_url(f"**{at(maple, 'twofactor:enrol')}")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    screenshot(page, "two-factor-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("code.recovery-code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I saved them: continue").click()
    page.wait_for_url(f"**{at(maple, 'clients:list')}")

    page.get_by_role("button", name="Sign out").click()
    _password(page, maple, "olivia@maple.test")
    page.wait_for_url(f"**{at(maple, 'twofactor:staff_second_step')}")
    screenshot(page, "two-factor-second-step")
    # The enrolment spent this step's code: the next step's is accepted (±1 step).
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(int(time.time()) + 30))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{at(maple, 'clients:list')}")

    page.get_by_role("button", name="Sign out").click()
    _password(page, maple, "olivia@maple.test")
    page.wait_for_url(f"**{at(maple, 'twofactor:staff_second_step')}")
    page.get_by_text("No phone or app with you?").click()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{at(maple, 'clients:list')}")

    page.get_by_role("button", name="Sign out").click()
    _password(page, maple, "olivia@maple.test")
    page.get_by_label("Code").fill(codes[0])  # used already
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work", use_inner_text=True)
    screenshot(page, "two-factor-second-step-error")


def test_the_second_step_and_enrolment_on_a_phone(
    phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    require_staff_two_factor(maple)
    _password(phone, maple, "olivia@maple.test")
    phone.wait_for_url(f"**{at(maple, 'twofactor:enrol')}")
    screenshot(phone, "two-factor-enrol-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    secret = phone.locator("#totp-secret").inner_text().replace(" ", "")
    phone.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Confirm").click()
    screenshot(phone, "two-factor-recovery-codes-phone")
    phone.get_by_role("link", name="I saved them: continue").click()
    phone.get_by_role("button", name="Sign out").click()
    _password(phone, maple, "olivia@maple.test")
    phone.wait_for_url(f"**{at(maple, 'twofactor:staff_second_step')}")
    screenshot(phone, "two-factor-second-step-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_owner_resets_a_members_two_step_sign_in(
    page: Any, live_server: Any, maple: Practice, owner: User, front_desk: User
) -> None:
    enrol(front_desk)
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "practices:staff"))
    row = page.get_by_role("row").filter(has_text="frank@maple.test")
    expect(row).to_contain_text("Authenticator app", use_inner_text=True)
    screenshot(page, "two-factor-staff-page")
    row.get_by_role("link", name="Reset two-step sign-in").click()
    screenshot(page, "two-factor-reset-confirm")
    page.get_by_role("button", name="Reset two-step sign-in").click()
    page.wait_for_url(f"**{at(maple, 'practices:staff')}")
    expect(page.get_by_text("two-step sign-in was reset")).to_be_visible()
    assert not has_second_factor(front_desk)
    row = page.get_by_role("row").filter(has_text="frank@maple.test")
    expect(row).to_contain_text("Not set up", use_inner_text=True)


def test_a_client_turns_on_an_authenticator_app_from_sign_in_security_on_a_phone(
    phone: Any, live_server: Any, maple: Practice, casey_account: User
) -> None:
    sign_in_as(phone, live_server, casey_account)
    phone.goto(at(maple, "portal:home"))
    phone.get_by_role("link", name="Sign-in security").click()
    phone.wait_for_url(f"**{at(maple, 'portal_security:security')}")
    screenshot(phone, "two-factor-portal-security-phone")
    phone.get_by_role("link", name="Set up an authenticator app").click()
    secret = phone.locator("#totp-secret").inner_text().replace(" ", "")
    phone.get_by_label("The 6-digit code your app shows now").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.locator("code.recovery-code")).to_have_count(10)
    phone.get_by_role("link", name="I saved them: continue").click()
    expect(phone.get_by_text("10 unused recovery codes left.")).to_be_visible()
    screenshot(phone, "two-factor-portal-security-on-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert has_second_factor(casey_account)


def test_the_two_step_pages_pass_axe(
    page: Any, live_server: Any, maple: Practice, owner: User, front_desk: User, casey_account: User
) -> None:
    from tests.browser import axe

    axe.axe_or_skip()
    enrol(front_desk)
    enrol(casey_account)
    sign_in_as(page, live_server, owner)
    pages = [
        at(maple, "twofactor:security"),
        at(maple, "twofactor:enrol"),
        at(maple, "twofactor:reauthenticate"),
        at(maple, "twofactor:reset_member", front_desk.pk),
        at(
            maple,
            "twofactor:remove_client_factor",
            casey_account_client(casey_account),
            casey_account.pk,
        ),
        at(maple, "practices:staff"),
    ]
    violations: list[str] = []
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        violations += axe.check(page, url)
    # The second step, as a visitor between the two steps.
    visitor = page.context.browser.new_context(base_url=live_server.url).new_page()
    _password(visitor, maple, "frank@maple.test")
    visitor.wait_for_url(f"**{at(maple, 'twofactor:staff_second_step')}")
    violations += axe.check(visitor, "staff second step")
    visitor.context.close()
    assert not violations, axe.report(violations)


def casey_account_client(account: User) -> str:
    from portico.access.models import PortalAccess

    access = PortalAccess.objects.get(user=account, contact=None)
    return str(access.client.public_id)
