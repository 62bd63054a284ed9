"""Passkeys in Chromium with its virtual authenticator (Chrome DevTools Protocol, WebAuthn.*).

The virtual authenticator behaves like a phone's or laptop's built-in one (CTAP2,
"internal" transport, resident keys, user verification that always succeeds), so the
whole path runs for real: the page's options, navigator.credentials.create()/get()
in Chromium, passkeys.js, and the server's checks. The live server is on
http://localhost:<port>, a secure context with RP ID "localhost".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.passkeys.models import Passkey
from portico.practices.models import Practice
from portico.twofactor.flow import VERIFIED_AT
from tests.browser import axe
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import PASSWORD, at


def virtual_authenticator(tab: Any, *, user_verified: bool = True) -> tuple[Any, str]:
    """A platform passkey authenticator for ``tab``: (the CDP session, its id)."""
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    made = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": user_verified,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, made["authenticatorId"]


def credentials_on(cdp: Any, authenticator_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator_id}
    )["credentials"]
    return found


def add_passkey_on(tab: Any, url: str, name: str) -> None:
    tab.goto(url)
    tab.get_by_label("Name for this passkey").fill(name)
    tab.get_by_role("button", name="Add a passkey").click()
    tab.get_by_text(f"Passkey “{name}” added.").wait_for()


def sign_out_everywhere(tab: Any) -> None:
    tab.context.clear_cookies()


def test_staff_member_adds_a_passkey_then_signs_in_with_it_as_the_second_step(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    cdp, authenticator = virtual_authenticator(page)
    sign_in_as(page, live_server, owner)

    # On the account's security page (portico.twofactor), which embeds the passkeys list.
    security = at(maple, "twofactor:security")
    add_passkey_on(page, security, "Work laptop")
    assert page.url.endswith(security)
    screenshot(page, "passkeys-staff-added")

    passkey = Passkey.objects.get(user=owner)
    assert passkey.name == "Work laptop"
    assert passkey.rp_id == "localhost"
    kept = credentials_on(cdp, authenticator)
    assert len(kept) == 1
    assert kept[0]["isResidentCredential"] is True
    expect(page.get_by_role("cell", name="Work laptop", exact=True)).to_be_visible()

    sign_out_everywhere(page)
    page.goto(at(maple, "accounts:staff_sign_in"))
    page.get_by_label("Email address").fill("olivia@maple.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Use your passkey").wait_for()
    screenshot(page, "passkeys-staff-second-step")
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(f"**{at(maple, 'clients:list')}")

    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert passkey.sign_count == credentials_on(cdp, authenticator)[0]["signCount"]


def test_a_portal_user_adds_a_passkey_and_signs_in_with_it(
    page: Any, live_server: Any, maple: Practice, casey_account: User
) -> None:
    _cdp, _authenticator = virtual_authenticator(page)
    sign_in_as(page, live_server, casey_account)

    security = at(maple, "portal_security:security")
    add_passkey_on(page, security, "Phone")
    assert page.url.endswith(security)
    screenshot(page, "passkeys-portal-added")
    assert Passkey.objects.filter(user=casey_account).count() == 1

    sign_out_everywhere(page)
    page.goto(at(maple, "portal:sign_in"))
    page.get_by_label("Email address or username").fill("casey")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url(f"**{at(maple, 'portal:home')}")


def test_a_passkey_from_another_device_is_refused_and_the_person_can_try_again(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    cdp, authenticator = virtual_authenticator(page)
    sign_in_as(page, live_server, owner)
    add_passkey_on(page, at(maple, "passkeys:staff_manage"), "Work laptop")
    # The authenticator loses its passkey (another device in hand): the browser finds none.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})

    sign_out_everywhere(page)
    page.goto(at(maple, "accounts:staff_sign_in"))
    page.get_by_label("Email address").fill("olivia@maple.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Use your passkey").click()
    failed = page.get_by_text("Your passkey was not used.")
    failed.wait_for()
    screenshot(page, "passkeys-staff-second-step-failed")
    assert at(maple, "clients:list") not in page.url


def test_removing_a_passkey_asks_first(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    virtual_authenticator(page)
    sign_in_as(page, live_server, owner)
    add_passkey_on(page, at(maple, "passkeys:staff_manage"), "Old key")

    page.get_by_text("Remove Old key").click()
    page.get_by_text("Remove “Old key”?").wait_for()
    screenshot(page, "passkeys-remove-confirm")
    page.get_by_role("button", name="Remove passkey").click()
    page.get_by_text("Passkey “Old key” removed.").wait_for()
    assert not Passkey.objects.filter(user=owner).exists()


@pytest.mark.parametrize("device", ["phone"])
def test_the_passkeys_page_on_a_phone(
    tab_factory: Any, live_server: Any, maple: Practice, casey_account: User, device: str
) -> None:
    tab = tab_factory(device)
    virtual_authenticator(tab)
    sign_in_as(tab, live_server, casey_account)
    add_passkey_on(tab, at(maple, "passkeys:portal_manage"), "Phone")
    screenshot(tab, "passkeys-portal-phone")
    box = tab.get_by_role("button", name="Add a passkey").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


def test_without_webauthn_the_page_says_so_and_offers_no_button(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    page.add_init_script("delete window.PublicKeyCredential;")
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "passkeys:staff_manage"))

    expect(page.get_by_text("This browser cannot add a passkey here.")).to_be_visible()
    expect(page.get_by_role("button", name="Add a passkey")).not_to_be_visible()


def last_confirmed_long_ago(tab: Any) -> None:
    """The browser's session last checked the password (and second step) 20 minutes ago."""
    cookie = next(c for c in tab.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session[VERIFIED_AT] = session[VERIFIED_AT] - 20 * 60
    session.save()


def test_staff_confirm_it_is_them_with_password_and_passkey_before_removing_one(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    virtual_authenticator(page)
    sign_in_as(page, live_server, owner)
    add_passkey_on(page, at(maple, "passkeys:staff_manage"), "Work laptop")
    last_confirmed_long_ago(page)

    page.get_by_text("Remove Work laptop").click()
    page.get_by_role("button", name="Remove passkey").click()
    page.wait_for_url(f"**{at(maple, 'twofactor:reauthenticate')}?**")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "passkeys-reauthenticate")
    page.get_by_role("button", name="Use your passkey").click()

    # Back on the page it was done from: done again, now within the 15 minutes.
    page.wait_for_url(f"**{at(maple, 'passkeys:staff_manage')}")
    page.get_by_text("Remove Work laptop").click()
    page.get_by_role("button", name="Remove passkey").click()
    page.get_by_text("Passkey “Work laptop” removed.").wait_for()
    assert not Passkey.objects.filter(user=owner).exists()


def test_the_passkey_pages_pass_axe(
    page: Any, live_server: Any, maple: Practice, owner: User, casey_account: User
) -> None:
    axe.axe_or_skip()
    virtual_authenticator(page)
    sign_in_as(page, live_server, owner)
    add_passkey_on(page, at(maple, "passkeys:staff_manage"), "Work laptop")
    page.get_by_text("Remove Work laptop").click()
    violations = axe.check(page, "staff passkeys")

    sign_out_everywhere(page)
    page.goto(at(maple, "accounts:staff_sign_in"))
    page.get_by_label("Email address").fill("olivia@maple.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Use your passkey").wait_for()
    violations += axe.check(page, "second step with a passkey")

    sign_out_everywhere(page)
    sign_in_as(page, live_server, casey_account)
    page.goto(at(maple, "passkeys:portal_manage"))
    page.get_by_label("Name for this passkey").fill("")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Give this passkey a name.").wait_for()
    screenshot(page, "passkeys-portal-name-missing")
    violations += axe.check(page, "portal passkeys, name missing")

    assert not violations, axe.report(violations)


def test_adding_the_same_device_twice_says_it_is_already_there(
    page: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    virtual_authenticator(page)
    sign_in_as(page, live_server, owner)
    add_passkey_on(page, at(maple, "passkeys:staff_manage"), "Work laptop")

    page.get_by_label("Name for this passkey").fill("Work laptop again")
    page.get_by_role("button", name="Add a passkey").click()

    page.get_by_text("This device already holds a passkey for your account").wait_for()
    screenshot(page, "passkeys-same-device")
    assert Passkey.objects.filter(user=owner).count() == 1


def test_a_new_staff_member_is_walked_to_enrol_and_chooses_a_passkey(
    page: Any, live_server: Any, maple: Practice, front_desk: User
) -> None:
    """The practice requires two-step sign-in (new practices do): right after the password."""
    maple.require_staff_two_factor = True
    maple.save(update_fields=["require_staff_two_factor"])
    virtual_authenticator(page)
    page.goto(at(maple, "accounts:staff_sign_in"))
    page.get_by_label("Email address").fill("frank@maple.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()

    page.get_by_label("Name for this passkey").fill("Front desk PC")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Passkey “Front desk PC” added.").wait_for()
    screenshot(page, "passkeys-enrolment-walk")
    page.get_by_role("link", name="I added a passkey: continue").click()

    page.wait_for_url(f"**{at(maple, 'clients:list')}")
    assert Passkey.objects.filter(user=front_desk).count() == 1
