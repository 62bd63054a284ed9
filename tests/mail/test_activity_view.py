from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.outbox import queue_email
from portico.mail.queries import activity_page
from portico.practices.models import Practice
from tests.cast import at
from tests.top_bar import warm_top_bar


def _queue(practice: Practice, client: Client) -> None:
    with transaction.atomic():
        queue_email(
            practice=practice,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={"greeting_name": "Casey", "link": "https://x.example/secret-token"},
            client=client,
        )


def test_staff_see_their_practices_emails_and_their_state_but_no_bodies(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    _queue(maple, casey)
    response = front_desk_http.get(at(maple, "mail:activity"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "casey@example.com" in page
    assert "Queued</span> Will be sent within a minute." in page
    assert "secret-token" not in page


def test_the_outsider_sees_none_of_maples_emails(
    maple: Practice, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    _queue(maple, casey)
    response = outsider_http.get(at(birch, "mail:activity"))
    assert response.status_code == 200
    assert "casey@example.com" not in response.content.decode()


def test_managers_find_the_email_templates_from_email_activity(
    maple: Practice, owner_http: HttpClient, front_desk_http: HttpClient
) -> None:
    templates = at(maple, "mail:templates")
    assert f'href="{templates}"' in owner_http.get(at(maple, "mail:activity")).content.decode()
    # Front desk cannot change templates, so the link would only lead to a refusal.
    assert templates not in front_desk_http.get(at(maple, "mail:activity")).content.decode()


def _queue_many(practice: Practice, client: Client, count: int, kind: EmailKind) -> None:
    with transaction.atomic():
        for i in range(count):
            queue_email(
                practice=practice,
                kind=kind,
                to=f"casey{i}@example.com",
                context={"greeting_name": "Casey", "link": "https://x.example/t"},
                client=client,
            )


def _walk(practice: Practice, size: int) -> list[int]:
    page = activity_page(practice, size=size)
    seen = [email.pk for email in page.rows]
    while page.next_cursor:
        page = activity_page(practice, size=size, cursor=page.next_cursor)
        seen += [email.pk for email in page.rows]
    return seen


def test_pages_are_newest_first_and_neither_skip_nor_repeat_emails_sent_at_the_same_moment(
    maple: Practice, casey: Client
) -> None:
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        _queue_many(maple, casey, 4, EmailKind.INVITE)  # four emails, one created_at
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        _queue_many(maple, casey, 3, EmailKind.INVITE)
    newest_first = list(
        OutboundEmail.objects.filter(practice=maple)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    assert _walk(maple, size=3) == newest_first
    assert _walk(maple, size=2) == newest_first


def test_newer_goes_back_to_exactly_the_page_before(maple: Practice, casey: Client) -> None:
    _queue_many(maple, casey, 7, EmailKind.INVITE)
    first = activity_page(maple, size=3)
    assert first.previous_cursor is None
    second = activity_page(maple, size=3, cursor=first.next_cursor or "")
    back = activity_page(maple, size=3, cursor=second.previous_cursor or "")
    assert [e.pk for e in back.rows] == [e.pk for e in first.rows]
    assert back.previous_cursor is None and back.next_cursor is not None


def test_a_tampered_cursor_shows_the_newest_emails(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    _queue(maple, casey)
    response = front_desk_http.get(at(maple, "mail:activity"), {"cursor": "not-a-cursor"})
    assert response.status_code == 200
    assert "casey@example.com" in response.content.decode()


def test_older_and_newer_keep_the_filters(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    _queue_many(maple, casey, 55, EmailKind.INVITE)
    _queue_many(maple, casey, 1, EmailKind.PASSWORD_RESET)
    url = at(maple, "mail:activity")
    html = front_desk_http.get(url, {"kind": "invite"}).content.decode()
    older = re.search(r'href="\?([^"]+)" rel="next">Older', html)
    assert older is not None and "Newer" not in html
    query = older.group(1).replace("&amp;", "&")
    assert query.startswith("kind=invite&cursor=")
    second = front_desk_http.get(f"{url}?{query}").content.decode()
    assert second.count('data-label="When"') == 5  # the 55 invitations, not the reset
    assert re.search(r'href="\?kind=invite&amp;cursor=[^"]+" rel="prev">Newer', second)
    assert 'rel="next"' not in second


def test_the_activity_page_costs_the_same_number_of_queries_for_1_or_30_emails(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    url = at(maple, "mail:activity")
    _queue_many(maple, casey, 1, EmailKind.INVITE)
    warm_top_bar(maple)
    with CaptureQueriesContext(connection) as one:
        assert front_desk_http.get(url).status_code == 200
    _queue_many(maple, casey, 29, EmailKind.INVITE)
    with CaptureQueriesContext(connection) as thirty:
        assert front_desk_http.get(url).status_code == 200
    assert len(thirty.captured_queries) == len(one.captured_queries)
    assert not any("COUNT(" in q["sql"].upper() for q in thirty.captured_queries)
    assert not any("OFFSET" in q["sql"].upper() for q in thirty.captured_queries)
