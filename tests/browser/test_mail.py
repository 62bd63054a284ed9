"""Email in a real browser: the local mailbox, bounced state for staff, the template editor."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.staticfiles.finders import get_finder
from django.db import transaction
from django.utils import timezone

from portico.clients.models import Client
from portico.mail.models import EmailKind, LocalMailboxMessage
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.browser.conftest import screenshot
from tests.mail.conftest import run_worker


@pytest.fixture(autouse=True)
def _local_mailbox(settings: LazySettings) -> None:
    settings.LOCAL_MAILBOX = True
    settings.MAILERS = {"default": {"BACKEND": "portico.mail.backends.LocalMailboxBackend"}}
    # The live server finds static files through the finders (as in test_portal.py).
    settings.STATICFILES_DIRS = [Path(settings.BASE_DIR) / "portico" / "static"]
    get_finder.cache_clear()  # type: ignore[attr-defined]


def _deliver_invite(practice: Practice, client: Client, link: str) -> LocalMailboxMessage:
    with transaction.atomic():
        queue_email(
            practice=practice,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={
                "greeting_name": client.greeting_name,
                "link": link,
                "link_expires": timezone.now() + timedelta(hours=48),
            },
            client=client,
        )
    run_worker()
    return LocalMailboxMessage.objects.latest("received_at")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_local_mailbox_lists_emails_and_their_links_can_be_followed(
    request: pytest.FixtureRequest, device: str, live_server: Any, maple: Practice, casey: Client
) -> None:
    tab = request.getfixturevalue(device)
    _deliver_invite(maple, casey, f"{live_server.url}/healthz")
    tab.goto("/mailbox/")
    assert tab.get_by_role("heading", name="Local mailbox").is_visible()
    screenshot(tab, f"mail-mailbox-list-{device}")
    tab.get_by_role("link", name="Maple Counseling").first.click()
    tab.wait_for_url("**/mailbox/*/")
    assert tab.get_by_text("casey@example.com").first.is_visible()
    tab.frame_locator("iframe.mailbox-html").get_by_text("Set up my account").wait_for()
    screenshot(tab, f"mail-mailbox-message-{device}")
    tab.locator(".mailbox-text a", has_text="/healthz").click()
    tab.wait_for_url("**/healthz")
    assert '"ok"' in tab.content()
