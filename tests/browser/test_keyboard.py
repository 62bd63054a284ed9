"""Registration and sign-in with the keyboard only: Tab, Shift+Tab, Enter, Space and typing.

At every Tab stop the focus must be visible (a real outline or a box-shadow on the
focused element, read from its computed style), and the stops must come in the page's
reading order (the document order of what can take focus: no positive tabindex, nothing
focusable hidden). A wrong date of birth and a refused password must be announced
(role=alert or an aria-live region) and tied to their field (aria-invalid plus
aria-describedby naming the error's text).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.browser.conftest import screenshot
from tests.cast import CASEY_DOB, at, token_of

pytestmark = pytest.mark.usefixtures("local_mailbox")

GOOD_PASSWORD = "river stones and lanterns 7"

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const text = (el.getAttribute("aria-label") || label || el.innerText || el.value || "");
  return {
    key: el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + " " +
         text.trim().replace(/\\s+/g, " ").slice(0, 60),
    visible: outline || shadow,
  };
}"""

# What Tab should visit, in document order: focusable, not disabled, rendered, no tabindex -1.
_TABBABLE = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";
  return [...document.querySelectorAll(selector)].filter(el =>
    !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden"
  ).map(el => {
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    const text = (el.getAttribute("aria-label") || label || el.innerText || el.value || "");
    return el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "") + " " +
           text.trim().replace(/\\s+/g, " ").slice(0, 60);
  });
}"""


def tab_through(tab: Any, *, key: str = "Tab") -> list[str]:
    """Press Tab from the top of the page until focus leaves it; every stop shows its focus."""
    tab.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    tab.evaluate("() => window.scrollTo(0, 0)")
    stops: list[str] = []
    for _ in range(40):
        tab.keyboard.press(key)
        focused = tab.evaluate(_FOCUSED)
        if focused is None or (stops and focused["key"] == stops[0]):
            break
        assert focused["visible"], f"the focus on {focused['key']!r} is not visible"
        stops.append(focused["key"])
    return stops


def assert_logical_order(tab: Any, what: str) -> list[str]:
    stops = tab_through(tab)
    assert stops == tab.evaluate(_TABBABLE), f"{what}: Tab order is not the reading order"
    back = tab_through(tab, key="Shift+Tab")
    assert back == list(reversed(stops)), f"{what}: Shift+Tab does not retrace Tab"
    return stops


def focus_by_tab(tab: Any, key: str) -> None:
    """Tab from the top until ``key`` has the focus (keyboard only, no clicks)."""
    tab.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    for _ in range(40):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(_FOCUSED)
        if focused and focused["key"].startswith(key):
            return
    raise AssertionError(f"Tab never reached {key!r}")


def assert_error_tied_and_announced(tab: Any, field: str, text: str) -> None:
    """The field says it is invalid, names the error's text, and the error is announced."""
    control = tab.locator(f"[name={field}]").first
    assert control.get_attribute("aria-invalid") == "true", f"{field}: no aria-invalid"
    described = (control.get_attribute("aria-describedby") or "").split()
    descriptions = " ".join(
        tab.evaluate("id => document.getElementById(id)?.innerText || ''", ref) for ref in described
    )
    assert text in descriptions, f"{field}: aria-describedby {described} does not name {text!r}"
    announced = tab.evaluate(
        """text => [...document.querySelectorAll('[role=alert], [aria-live]')]
                   .some(el => el.innerText.includes(text))""",
        text,
    )
    assert announced, f"{text!r} is in no role=alert or aria-live region"


@pytest.mark.parametrize("device", ["page", "phone"])
def test_registration_and_sign_in_with_the_keyboard_only(
    request: pytest.FixtureRequest,
    device: str,
    transactional_db: None,
    maple: Practice,
    owner: User,
    casey: Client,
) -> None:
    tab = request.getfixturevalue(device)
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.save(update_fields=["phone", "email"])
    token = token_of(send_invite(casey, by=Actor.for_user(owner)).link)

    # The invitation link (opened from the email), then the landing page by keyboard.
    tab.goto(at(maple, "access:welcome_link", token))
    stops = assert_logical_order(tab, "welcome")
    assert stops[0].startswith("a Skip to main content"), stops
    start = next(stop for stop in stops if stop.startswith("a ") and "Get started" in stop)
    assert stops.index(start) < stops.index("a 555-0100"), stops  # main before the footer
    focus_by_tab(tab, start)
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/welcome/date-of-birth/$"))

    # Date of birth: skip link, the field, Continue, in that order.
    stops = assert_logical_order(tab, "date of birth")
    field = next(stop for stop in stops if stop.startswith("input[name=date_of_birth]"))
    button = next(stop for stop in stops if stop.startswith("button ") and "Continue" in stop)
    assert stops.index(field) < stops.index(button), stops
    focus_by_tab(tab, "input[name=date_of_birth]")
    tab.keyboard.type("01/01/1950")
    tab.keyboard.press("Enter")
    tab.locator("[name=date_of_birth][aria-invalid=true]").wait_for()
    assert_error_tied_and_announced(tab, "date_of_birth", "does not match our records")
    screenshot(tab, f"keyboard-wrong-dob-{device}")
    assert_logical_order(tab, "date of birth, wrong")
    focus_by_tab(tab, "input[name=date_of_birth]")
    tab.keyboard.press("Control+A")
    tab.keyboard.type(CASEY_DOB.strftime("%m/%d/%Y"))
    tab.keyboard.press("Tab")
    tab.keyboard.press("Space")  # Continue, pressed with Space
    tab.wait_for_url(re.compile(r"/welcome/account/$"))

    # The account: a refused password, announced and tied to its field, then a good one.
    stops = assert_logical_order(tab, "account")
    passwords = [stop for stop in stops if stop.startswith("input[name=")]
    assert passwords[-2:] == [
        next(s for s in stops if s.startswith("input[name=new_password]")),
        next(s for s in stops if s.startswith("input[name=confirm_password]")),
    ], stops
    focus_by_tab(tab, "input[name=new_password]")
    tab.keyboard.type("short")
    tab.keyboard.press("Tab")
    tab.keyboard.type("short")
    tab.keyboard.press("Enter")
    tab.locator("[name=new_password][aria-invalid=true]").wait_for()
    assert_error_tied_and_announced(tab, "new_password", "too short")
    screenshot(tab, f"keyboard-refused-password-{device}")
    focus_by_tab(tab, "input[name=new_password]")
    tab.keyboard.type(GOOD_PASSWORD)
    tab.keyboard.press("Tab")
    tab.keyboard.type(GOOD_PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/p/maple/(profile/)?$"))

    # Signed in: sign out from the top bar, by keyboard.
    assert_logical_order(tab, "portal")
    focus_by_tab(tab, "button Sign out")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/p/maple/sign-in/"))

    # Sign in: the fields, then the button, then the help links; a wrong password first.
    stops = assert_logical_order(tab, "sign in")
    order = [
        next(s for s in stops if s.startswith("input[name=identifier]")),
        next(s for s in stops if s.startswith("input[name=password]")),
        next(s for s in stops if s.startswith("button ") and "Sign in" in s),
        next(s for s in stops if s.startswith("a Forgot password?")),
    ]
    assert [stops.index(s) for s in order] == sorted(stops.index(s) for s in order), stops
    focus_by_tab(tab, "input[name=identifier]")
    tab.keyboard.type("casey@example.com")
    tab.keyboard.press("Tab")
    tab.keyboard.type("not my password")
    tab.keyboard.press("Enter")
    # One message for a wrong identifier or password (no account enumeration), announced.
    error = tab.locator("main [role=alert]")
    error.first.wait_for()
    assert error.count() == 1 and error.inner_text().strip(), error.all_inner_texts()
    screenshot(tab, f"keyboard-sign-in-refused-{device}")
    focus_by_tab(tab, "input[name=password]")
    tab.keyboard.type(GOOD_PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/p/maple/(profile/)?$"))
