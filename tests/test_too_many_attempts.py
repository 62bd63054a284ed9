"""One 429 page for every rate limit: how long to wait, and Retry-After for programs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import RequestFactory

from portico.lib import ratelimit
from portico.lib.http import too_many_attempts
from portico.practices.models import Practice
from tests.cast import at


@pytest.fixture
def one_page_a_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cache.clear()
    monkeypatch.setitem(ratelimit.RATE_LIMITS, "link_page", "1/m/ip")
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("retry_after", "wait", "header"),
    [(0, "1 minute and", "1"), (5, "1 minute and", "5"), (60, "1 minute and", "60"),
     (61, "2 minutes and", "61")],
)  # fmt: skip
def test_the_wait_is_rounded_up_to_whole_minutes_and_sent_as_retry_after(
    retry_after: int, wait: str, header: str
) -> None:
    response = too_many_attempts(RequestFactory().get("/"), retry_after, layout="base.html")
    assert response.status_code == 429
    assert response["Retry-After"] == header
    assert f"Please wait {wait} try again" in response.content.decode()


def test_a_client_opening_reset_links_too_fast_gets_the_portal_page(
    maple: Practice, one_page_a_minute: None
) -> None:
    http = HttpClient()
    assert http.get(at(maple, "portal:reset_link", "whatever")).status_code != 429
    response = http.get(at(maple, "portal:reset_link", "whatever"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert 'class="portal"' in page and "Please wait 1 minute" in page


def test_a_staff_invitee_opening_the_welcome_page_too_fast_gets_the_plain_page(
    maple: Practice, one_page_a_minute: None
) -> None:
    http = HttpClient()
    assert http.get(at(maple, "accounts:staff_welcome")).status_code != 429
    response = http.get(at(maple, "accounts:staff_welcome"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert 'class="portal"' not in page and "Please wait 1 minute" in page
