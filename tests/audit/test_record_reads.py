"""Staff reads of client records are audited (HIPAA 164.312(b)): once per person, page, 5 min."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.queries import describe_event, history_for_client
from portico.audit.reads import ReadPage, record_read
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)
CLIENT_PAGES = [
    ("clients:detail", "client", "Viewed the client's page"),
    ("clients:personal_information", "personal_information", "Viewed Personal information"),
    ("clients:people", "people", "Viewed the People tab"),
]


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def signed_in(user: User) -> HttpClient:
    """Signed in at the frozen time, so moving the clock never meets the idle sign-out."""
    http = HttpClient()
    http.force_login(user)
    return http


def reads(**filters: object) -> list[AuditEvent]:
    views = ("client.record.viewed", "audit.history.viewed", "audit.history.exported")
    return list(AuditEvent.objects.filter(action__in=views, **filters).order_by("at", "id"))


@pytest.mark.parametrize(("name", "page", "sentence"), CLIENT_PAGES)
def test_opening_a_client_page_writes_one_event_who_which_client_when_which_page(
    clock: time_machine.Traveller,
    maple: Practice,
    owner: User,
    casey: Client,
    name: str,
    page: str,
    sentence: str,
) -> None:
    assert signed_in(owner).get(at(maple, name, casey.public_id)).status_code == 200
    [event] = reads()
    assert event.action == "client.record.viewed"
    assert (event.actor, event.client, event.at) == (owner, casey, T0)
    assert event.actor_label == "Olivia Owner (owner)"
    assert event.details == {"page": page}
    assert describe_event(event) == sentence
    assert "1990" not in str(event.details)


@pytest.mark.parametrize(("name", "page", "sentence"), CLIENT_PAGES)
def test_a_second_view_within_5_minutes_writes_nothing_and_one_at_5_minutes_writes_again(
    clock: time_machine.Traveller,
    maple: Practice,
    owner: User,
    casey: Client,
    name: str,
    page: str,
    sentence: str,
) -> None:
    http, url = signed_in(owner), at(maple, name, casey.public_id)
    http.get(url)
    clock.move_to(T0 + timedelta(minutes=4, seconds=59))
    assert http.get(url).status_code == 200
    assert len(reads()) == 1
    clock.move_to(T0 + timedelta(minutes=5))
    http.get(url)
    assert [e.at for e in reads()] == [T0, T0 + timedelta(minutes=5)]


def test_each_page_of_one_client_is_counted_on_its_own(
    clock: time_machine.Traveller, maple: Practice, owner: User, casey: Client
) -> None:
    http = signed_in(owner)
    for name, _page, _sentence in CLIENT_PAGES * 2:
        http.get(at(maple, name, casey.public_id))
    assert sorted(e.details["page"] for e in reads()) == [
        "client",
        "people",
        "personal_information",
    ]


def test_another_staff_member_or_another_client_writes_its_own_event(
    clock: time_machine.Traveller,
    maple: Practice,
    owner: User,
    front_desk: User,
    casey: Client,
    noah: Client,
) -> None:
    owner_http, desk_http = signed_in(owner), signed_in(front_desk)
    owner_http.get(at(maple, "clients:detail", casey.public_id))
    desk_http.get(at(maple, "clients:detail", casey.public_id))
    owner_http.get(at(maple, "clients:detail", noah.public_id))
    owner_http.get(at(maple, "clients:detail", casey.public_id))  # within 5 minutes: nothing
    assert [(e.actor, e.client) for e in reads()] == [
        (owner, casey),
        (front_desk, casey),
        (owner, noah),
    ]


@pytest.mark.parametrize("name", [n for n, _p, _s in CLIENT_PAGES])
def test_an_outsider_gets_a_404_and_no_event_about_the_client(
    maple: Practice, birch: Practice, casey: Client, outsider_http: HttpClient, name: str
) -> None:
    # In their own practice, with our client's id (in ours they are not signed in at all).
    assert outsider_http.get(at(birch, name, casey.public_id)).status_code == 404
    assert outsider_http.get(at(maple, name, casey.public_id)).status_code == 302
    assert not reads(client=casey)
    assert not reads()


def test_a_staff_member_from_another_practice_filtering_their_history_by_our_client_gets_a_404(
    birch: Practice, casey: Client, outsider_http: HttpClient
) -> None:
    url = at(birch, "audit:list")
    assert outsider_http.get(url, {"client": str(casey.public_id)}).status_code == 404
    assert outsider_http.get(url, {"client": "not-a-uuid"}).status_code == 404
    assert not reads()


def test_viewing_the_access_history_is_recorded_with_its_filters_once_per_5_minutes(
    clock: time_machine.Traveller, maple: Practice, owner: User
) -> None:
    http, url = signed_in(owner), at(maple, "audit:list")
    query = {"action": "signin.", "since": "2026-03-01", "until": "2026-03-02", "views": "on"}
    http.get(url, query)
    http.get(url, query)
    [event] = reads()
    assert event.action == "audit.history.viewed"
    assert event.client is None
    assert event.details == {
        "page": "access_history",
        "filters": {
            "action": "signin.",
            "since": "2026-03-01",
            "until": "2026-03-02",
            "include_views": True,
        },
    }
    assert describe_event(event) == (
        "Viewed the access history "
        "(sign-ins and locks, from 2026-03-01, to 2026-03-02, with record views)"
    )
    http.get(url)  # another filter is another view of the records
    assert [e.details["filters"] for e in reads()][-1] == {}
    clock.move_to(T0 + timedelta(minutes=5))
    http.get(url, query)
    assert len(reads()) == 3


def test_every_export_is_recorded_with_its_filter_even_twice_in_a_row(
    clock: time_machine.Traveller, maple: Practice, owner: User, casey: Client
) -> None:
    http = signed_in(owner)
    query = {"action": "client.", "client": str(casey.public_id)}
    for _ in range(2):
        response = http.get(at(maple, "audit:export"), query)
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    exports = reads(action="audit.history.exported")
    assert len(exports) == 2
    assert all(e.client == casey for e in exports)
    assert exports[0].details == {"page": "access_history_export", "filters": {"action": "client."}}
    assert describe_event(exports[0]) == (
        "Downloaded the access history as CSV (client details, about Casey Client)"
    )


def test_the_client_access_history_leaves_out_record_views_unless_asked(
    clock: time_machine.Traveller, maple: Practice, owner: User, casey: Client
) -> None:
    http = signed_in(owner)
    http.get(at(maple, "clients:people", casey.public_id))
    page = http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    assert "Viewed the People tab" not in page
    assert "Client added" in page
    assert "See who opened it" in page
    assert [i.sentence for i in history_for_client(casey) if "Viewed" in i.sentence] == []
    asked = [i.sentence for i in history_for_client(casey, include_views=True)]
    assert {"Viewed the People tab", "Viewed the client's page"} <= set(asked)


def test_the_practice_history_and_export_show_record_views_only_when_asked(
    clock: time_machine.Traveller, maple: Practice, owner: User, casey: Client
) -> None:
    http = signed_in(owner)
    http.get(at(maple, "clients:detail", casey.public_id))
    plain = http.get(at(maple, "audit:list")).content.decode()
    assert "Viewed the client&#x27;s page" not in plain
    asked = http.get(at(maple, "audit:list"), {"views": "on"}).content.decode()
    assert "Viewed the client&#x27;s page" in asked

    def exported(query: dict[str, str]) -> list[str]:
        response = http.get(at(maple, "audit:export"), query)
        body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        return [row[3] for row in csv.reader(io.StringIO(body))]

    assert "client.record.viewed" not in exported({})
    assert "client.record.viewed" in exported({"views": "on"})
    # Downloads are disclosures: always on the list, views or not.
    assert "audit.history.exported" in exported({})


def test_the_history_narrowed_to_one_client_shows_who_opened_that_record(
    clock: time_machine.Traveller,
    maple: Practice,
    owner: User,
    front_desk: User,
    casey: Client,
    noah: Client,
) -> None:
    signed_in(front_desk).get(at(maple, "clients:detail", casey.public_id))
    signed_in(front_desk).get(at(maple, "clients:detail", noah.public_id))
    response = signed_in(owner).get(
        at(maple, "audit:list"), {"client": str(casey.public_id), "views": "on"}
    )
    page = response.content.decode()
    assert "Showing only events about" in page
    assert "Frank Staff (front desk)" in page
    assert "Noah Nomail" not in page
    viewed = reads(action="audit.history.viewed").pop()
    assert viewed.client == casey


def test_record_read_without_a_user_is_always_kept(maple: Practice, casey: Client) -> None:
    for _ in range(2):
        record_read(Actor.system(), practice=maple, page=ReadPage.CLIENT, client=casey)
    assert len(reads()) == 2
