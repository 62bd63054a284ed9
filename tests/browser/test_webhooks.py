"""Webhooks in a real browser: add an endpoint, see the secret once, send a test, read the log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from portico.accounts.models import User
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client
from tests.mail.conftest import free_port, run_worker
from tests.webhooks.conftest import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(free_port())
    running.start()
    yield running
    running.stop()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_owner_adds_an_endpoint_sends_a_test_and_reads_the_delivery_log(
    request: pytest.FixtureRequest,
    device: str,
    live_server: Any,
    maple: Practice,
    owner: User,
    receiver: Receiver,
) -> None:
    tab = request.getfixturevalue(device)
    sign_in_as(tab, live_server, owner)
    tab.goto(live_server.url + at(maple, "practices:settings"))
    tab.get_by_role("link", name="Webhooks").click()
    expect(tab.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    screenshot(tab, f"webhooks-list-empty-{device}")
    tab.get_by_role("link", name="Add an endpoint").click()
    tab.get_by_label("Address (URL)").fill("http://ehr.example.com/hooks")
    tab.get_by_label("Client created").check()
    tab.get_by_label("Invitation sent or resent").check()
    tab.get_by_role("button", name="Add endpoint").click()
    expect(tab.get_by_text("must start with https://")).to_be_visible()
    screenshot(tab, f"webhooks-add-refused-{device}")

    tab.get_by_label("Address (URL)").fill(receiver.url)
    tab.get_by_role("button", name="Add endpoint").click()
    secret = tab.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    expect(tab.get_by_text("this is the only time it is shown")).to_be_visible()
    screenshot(tab, f"webhooks-secret-once-{device}")

    tab.get_by_role("link", name="Done").click()
    expect(tab.get_by_text("Nothing sent yet")).to_be_visible()
    assert secret not in tab.content()
    tab.get_by_role("button", name="Send test event").click()
    expect(tab.get_by_text("A test event is on its way")).to_be_visible()
    run_worker()
    [received] = receiver.received
    assert Webhook(secret).verify(received.body, received.headers)["type"] == "webhook.test"

    receiver.stop()  # the other system goes down
    make_client(maple, owner, "Robin", "Reyes", emails=("robin@example.com",))
    run_worker()
    tab.reload()
    log = tab.locator(".webhook-log")
    expect(log.get_by_text("HTTP 204")).to_be_visible()
    expect(
        log.get_by_text("Connection refused: nothing is listening at that address.")
    ).to_be_visible()
    expect(log.get_by_text("Retrying")).to_be_visible()
    screenshot(tab, f"webhooks-delivery-log-{device}")
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], "the page scrolls sideways"
