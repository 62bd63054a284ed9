"""The staff top bar's "Access problems (n)": cached a minute per practice, exact on its page."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.models import Practice
from portico.problems.counts import CACHE_SECONDS, forget_count, top_bar_count, top_bar_label
from tests.cast import at, by, make_client

BADGE = "cannot get in</span>"


def bounce(client: Client, owner: User) -> None:
    link = send_invite(client, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)


def badge(http: HttpClient, practice: Practice, page: str = "clients:list") -> str:
    html = http.get(at(practice, page)).content.decode()
    start = html.index('href="' + at(practice, "problems:list") + '"')
    return html[start : html.index("</li>", start)]


def stuck_clients(practice: Practice, owner: User, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        client = make_client(practice, owner, f"S{number}", "P", emails=(f"s{number}@example.com",))
        bounce(client, owner)


def test_the_top_bar_shows_how_many_cannot_get_in(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    assert BADGE not in badge(front_desk_http, maple)  # nobody stuck: no number
    forget_count(maple)
    bounce(casey, owner)
    shown = badge(front_desk_http, maple)
    assert '<span aria-hidden="true">1</span>' in shown
    assert "1 person cannot get in" in shown


def test_a_staff_page_costs_the_same_queries_for_5_or_50_stuck(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    def queries() -> int:
        front_desk_http.get(at(maple, "clients:list"))  # fills the cache if needed
        with CaptureQueriesContext(connection) as captured:
            front_desk_http.get(at(maple, "clients:list"))
        return len(captured)

    stuck_clients(maple, owner, 5)
    forget_count(maple)
    few = queries()
    stuck_clients(maple, owner, 45, start=5)
    forget_count(maple)
    many = queries()
    assert few == many
    assert top_bar_count(maple) == 50


def test_the_page_itself_refreshes_the_count_at_once(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    bounce(casey, owner)
    assert '<span aria-hidden="true">1</span>' in badge(front_desk_http, maple)
    send_invite(casey, by=by(owner))  # fixed: a new invitation
    # Other pages may show the old number for up to a minute ...
    assert '<span aria-hidden="true">1</span>' in badge(front_desk_http, maple)
    # ... the Access problems page is exact, and so is its top bar.
    assert BADGE not in badge(front_desk_http, maple, "problems:list")
    assert BADGE not in badge(front_desk_http, maple)


def test_the_count_is_derived_again_after_a_minute(
    maple: Practice, casey: Client, owner: User
) -> None:
    assert top_bar_count(maple) == 0
    bounce(casey, owner)
    assert top_bar_count(maple) == 0  # cached
    with time_machine.travel(timezone.now() + timedelta(seconds=CACHE_SECONDS + 1)):
        assert top_bar_count(maple) == 1


def test_each_practice_has_its_own_count(
    maple: Practice, birch: Practice, casey: Client, owner: User
) -> None:
    bounce(casey, owner)
    assert (top_bar_count(maple), top_bar_count(birch)) == (1, 0)


def test_large_numbers_are_capped_in_the_top_bar() -> None:
    assert (top_bar_label(7), top_bar_label(99), top_bar_label(100)) == ("7", "99", "99+")


def test_the_page_takes_the_same_queries_for_5_or_60_stuck_and_shows_50_a_page(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    def queries(page: str = "1") -> tuple[int, str]:
        front_desk_http.get(at(maple, "problems:list"))  # the session's own writes, if due
        with CaptureQueriesContext(connection) as captured:
            html = front_desk_http.get(at(maple, "problems:list"), {"page": page}).content.decode()
        return len(captured), html

    stuck_clients(maple, owner, 5)
    few, _ = queries()
    stuck_clients(maple, owner, 55, start=5)
    many, html = queries()
    assert few == many
    assert html.count('data-label="Person"') == 50
    assert "Page 1 of 2" in html and 'rel="next"' in html
    _, second = queries("2")
    assert second.count('data-label="Person"') == 10
