"""Browser: an owner creates, reads once and revokes an API key; the API reference page
renders under the site's Content-Security-Policy. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.api.models import ApiKey
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_an_owner_creates_a_key_copies_it_once_and_revokes_it(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    sign_in_as(tab, live_server, owner)
    tab.goto(live_server.url + at(maple, "practices:settings"))
    tab.get_by_role("link", name="API keys").click()
    tab.get_by_role("heading", name="API keys", exact=True).wait_for()
    tab.get_by_label("Name").fill("EHR sync")
    tab.get_by_label("Front desk", exact=False).check()
    screenshot(tab, f"api-keys-new-{tab_name}")
    tab.get_by_role("button", name="Create key").click()

    tab.get_by_role("heading", name="API key created: EHR sync").wait_for()
    secret = tab.locator("code.api-secret").inner_text()
    key = ApiKey.objects.get(name="EHR sync")
    assert secret.startswith(key.prefix + "_")
    tab.get_by_text("this is the only time it is shown").wait_for()
    screenshot(tab, f"api-key-created-{tab_name}")

    tab.get_by_role("link", name="Done").click()
    tab.get_by_text(key.prefix).first.wait_for()
    assert secret not in tab.content()
    screenshot(tab, f"api-keys-list-{tab_name}")
    tab.get_by_role("button", name="Revoke EHR sync").click()
    tab.get_by_text("was revoked: it stopped working now").wait_for()
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_the_api_reference_renders_with_no_content_security_policy_violation(
    page: Any,  # noqa: F811 (the fixture imported above)
    live_server: Any,
    maple: Practice,
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server.url + f"/p/{maple.slug}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Portico API", use_inner_text=True
    )
    page.get_by_text("/clients/{client_id}/access/invite").first.wait_for()
    screenshot(page, "api-reference")
    violations = [text for text in problems if "Content Security Policy" in text]
    assert violations == [], violations
