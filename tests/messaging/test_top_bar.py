"""The staff top bar's "Messages" link: its count costs one small query, and only for staff."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.accounts.models import User
from portico.clients.models import Client
from portico.messaging.actions import send_portal_message, send_staff_message
from portico.practices.models import Practice
from tests.cast import Family, access_of, at, by

PROCESSOR = "portico.messaging.context_processors.staff_inbox"


def _without_processor(settings: LazySettings) -> None:
    templates: list[dict[str, Any]] = [dict(engine) for engine in settings.TEMPLATES]
    for engine in templates:
        options: dict[str, Any] = dict(engine.get("OPTIONS", {}))
        options["context_processors"] = [
            p for p in options.get("context_processors", []) if p != PROCESSOR
        ]
        engine["OPTIONS"] = options
    settings.TEMPLATES = templates


def _queries(fetch: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def test_staff_see_the_number_of_conversations_waiting(
    maple: Practice,
    family: Family,
    pat: User,
    casey: Client,
    clinician: User,
    clinician_http: HttpClient,
) -> None:
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="One")
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Two")
    send_staff_message(casey, by=by(clinician), body="Hello")
    page = clinician_http.get(at(maple, "clients:list")).content.decode()
    assert "Messages" in page
    assert ": 1 unread conversation<" in page


def test_the_count_costs_exactly_one_query_on_a_staff_page(
    maple: Practice,
    family: Family,
    pat: User,
    clinician_http: HttpClient,
    settings: LazySettings,
    django_assert_num_queries: Any,
) -> None:
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="One")
    url = at(maple, "clients:list")
    clinician_http.get(url)  # warm up: the session's first write, caches
    original = settings.TEMPLATES
    _without_processor(settings)
    baseline = _queries(lambda: clinician_http.get(url))
    settings.TEMPLATES = original
    with django_assert_num_queries(baseline + 1):
        assert clinician_http.get(url).status_code == 200


def test_portal_and_anonymous_pages_cost_no_query_for_it(
    maple: Practice, casey_http: HttpClient, settings: LazySettings
) -> None:
    pages = [
        (casey_http, at(maple, "portal_messages:conversation")),
        (HttpClient(), at(maple, "portal:sign_in")),
        (HttpClient(), at(maple, "accounts:staff_sign_in")),
    ]
    for http, url in pages:
        http.get(url)  # warm up: the session's first write, caches
    with_it = [_queries(partial(http.get, url)) for http, url in pages]
    _without_processor(settings)
    without = [_queries(partial(http.get, url)) for http, url in pages]
    assert with_it == without


@pytest.mark.parametrize("waiting", [1, 5])
def test_the_count_query_does_not_grow_with_the_number_waiting(
    waiting: int, maple: Practice, owner: User, clinician: User, django_assert_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from portico.messaging.context_processors import staff_inbox
    from tests.cast import make_client

    for n in range(waiting):
        client = make_client(maple, owner, f"Client{n}", "Waiting")
        send_staff_message(client, by=by(clinician), body="Hi")
        from portico.messaging.models import Conversation

        Conversation.objects.filter(client=client).update(practice_unread=1)
    request = RequestFactory().get("/")
    request.practice = maple  # type: ignore[attr-defined]
    clinician = User.objects.select_related("membership").get(pk=clinician.pk)
    request.user = clinician
    inbox = staff_inbox(request)["staff_inbox"]
    with django_assert_num_queries(1):
        assert inbox.shown and inbox.unread == waiting


def test_beyond_99_waiting_the_top_bar_says_99_plus(
    maple: Practice, casey: Client, clinician: User, django_assert_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from portico.messaging.context_processors import staff_inbox
    from portico.messaging.models import Conversation
    from portico.messaging.queries import TOP_BAR_CAP

    send_staff_message(casey, by=by(clinician), body="Hi")
    template = Conversation.objects.get()
    clients = [
        Client(practice=maple, first_name=f"W{n}", last_name="Waiting", date_of_birth="2000-01-01")
        for n in range(TOP_BAR_CAP + 5)
    ]
    Client.objects.bulk_create(clients)
    Conversation.objects.bulk_create(
        Conversation(practice=maple, client=c, created_at=template.created_at, practice_unread=1)
        for c in clients
    )
    request = RequestFactory().get("/")
    request.practice = maple  # type: ignore[attr-defined]
    request.user = User.objects.select_related("membership").get(pk=clinician.pk)
    inbox = staff_inbox(request)["staff_inbox"]
    with django_assert_num_queries(1) as captured:
        assert inbox.label == "99+"
    assert "COUNT(" not in captured.captured_queries[0]["sql"].upper()
