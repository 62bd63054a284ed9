"""The access history: sentences for staff, the client's recent events, the practice list, CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.queries import (
    EventFilter,
    describe_event,
    history_for_client,
    page_of_events,
    recent_events_for_client,
)
from portico.audit.record import record
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import CASEY_DOB, at, make_client
from tests.top_bar import warm_top_bar

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


def event(action: str, practice: Practice, **details: object) -> AuditEvent:
    return record(action, practice=practice, actor=Actor.system(), details=details)


def test_known_actions_read_as_sentences_and_unknown_ones_fall_back_to_the_code(
    maple: Practice,
) -> None:
    sent = event("access.invite.sent", maple, email="a@b.com")
    assert describe_event(sent) == "Portal invitation sent to a@b.com"
    failed = event("signin.failed", maple, reason="wrong_password")
    assert describe_event(failed) == "Sign-in failed: wrong password"
    odd = event("something.new", maple)
    assert describe_event(odd) == "something.new"


def test_a_client_history_is_newest_first_and_only_theirs(
    maple: Practice, owner: User, casey: Client, noah: Client
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for minute in range(3):
            clock.move_to(T0 + timedelta(minutes=minute))
            record(
                "access.invite.sent",
                practice=maple,
                actor=Actor.system(),
                client=casey,
                details={"email": f"{minute}@example.com"},
            )
    events = [e for e in recent_events_for_client(casey) if e.action == "access.invite.sent"][:2]
    assert [e.details["email"] for e in events] == ["2@example.com", "1@example.com"]
    assert all(e.client == casey for e in recent_events_for_client(casey))
    items = [i for i in history_for_client(casey) if i.event.action == "access.invite.sent"]
    assert items[0].sentence == "Portal invitation sent to 2@example.com"


def test_a_client_history_costs_one_query_however_long(
    maple: Practice, owner: User, casey: Client, django_assert_num_queries: object
) -> None:
    for n in range(20):
        record(
            "client.details_changed",
            practice=maple,
            actor=Actor.for_user(owner),
            client=casey,
            details={"n": n},
        )
    casey = Client.objects.select_related("practice").get(pk=casey.pk)
    with django_assert_num_queries(1):  # type: ignore[operator]
        items = history_for_client(casey, limit=15)
        [(item.sentence, item.event.client, item.event.subject_user) for item in items]


def test_the_practice_list_filters_by_kind_and_date_in_the_practice_time_zone(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    with time_machine.travel(datetime(2026, 3, 3, 4, 30, tzinfo=UTC), tick=False):
        event("signin.failed", maple, reason="wrong_password")  # Mar 2, 11:30 PM New York
    with time_machine.travel(datetime(2026, 3, 3, 15, 0, tzinfo=UTC), tick=False):
        event("staff.invited", maple, email="d@maple.test")
    march_2 = page_of_events(
        maple,
        EventFilter(
            since=datetime(2026, 3, 2, 5, 0, tzinfo=UTC),
            until=datetime(2026, 3, 3, 5, 0, tzinfo=UTC),
        ),
    )
    assert [e.action for e in march_2.events] == ["signin.failed"]
    response = owner_http.get(
        at(maple, "audit:list"), {"action": "signin.", "since": "2026-03-02", "until": "2026-03-02"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign-in failed: wrong password" in page
    assert "Staff invitation sent" not in page


def test_the_list_pages_with_a_cursor_and_never_repeats(maple: Practice) -> None:
    with time_machine.travel(T0, tick=False):
        for n in range(7):
            event("client.added", maple, n=n)  # all at the same instant: ids break the tie
    added = EventFilter(action_prefix="client.added")
    first = page_of_events(maple, added, size=3)
    second = page_of_events(maple, added, cursor=first.next_cursor, size=3)
    third = page_of_events(maple, added, cursor=second.next_cursor, size=3)
    seen = [e.details["n"] for p in (first, second, third) for e in p.events]
    assert seen == [6, 5, 4, 3, 2, 1, 0]
    assert third.next_cursor == ""


def test_the_list_page_costs_the_same_queries_for_5_or_60_events(
    maple: Practice,
    owner: User,
    casey: Client,
    owner_http: HttpClient,
    django_assert_max_num_queries: object,
) -> None:
    for n in range(60):
        record(
            "access.invite.sent",
            practice=maple,
            actor=Actor.for_user(owner),
            client=casey,
            subject_user=owner,
            details={"email": f"{n}@example.com"},
        )
    warm_top_bar(maple)
    # 9: + the top bar's Access problems count (one cache read, portico/problems/counts.py)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        assert owner_http.get(at(maple, "audit:list")).status_code == 200


def test_the_csv_export_has_utc_times_the_columns_and_no_dates_of_birth(
    maple: Practice, owner: User, casey: Client, owner_http: HttpClient
) -> None:
    with time_machine.travel(T0, tick=False):
        record(
            "access.invite.sent",
            practice=maple,
            actor=Actor.for_user(owner),
            client=casey,
            details={"email": "casey@example.com"},
        )
    response = owner_http.get(at(maple, "audit:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "time",
        "actor",
        "ip",
        "action",
        "client_public_id",
        "client_name",
        "details",
    ]
    invite = next(r for r in rows if r[3] == "access.invite.sent")
    assert invite[0] == "2026-03-02T15:00:00Z"
    assert invite[4] == str(casey.public_id)
    assert invite[5] == "Casey Client"
    assert json.loads(invite[6]) == {"email": "casey@example.com"}
    for dob in (CASEY_DOB.isoformat(), CASEY_DOB.strftime("%m/%d/%Y"), "1990"):
        assert dob not in body


def test_the_export_holds_only_this_practice(
    maple: Practice, owner: User, birch: Practice, outsider: User, owner_http: HttpClient
) -> None:
    birch_client = make_client(birch, outsider, "Bea", "Birchclient", emails=("bea@example.com",))
    record(
        "client.details_changed",
        practice=birch,
        actor=Actor.for_user(outsider),
        client=birch_client,
    )
    body = b"".join(owner_http.get(at(maple, "audit:export")).streaming_content).decode()  # type: ignore[attr-defined]
    assert "Birchclient" not in body
    assert "bea@example.com" not in body


@pytest.mark.parametrize("name", ["audit:list", "audit:export"])
def test_front_desk_may_not_see_the_practice_wide_history(
    maple: Practice, front_desk_http: HttpClient, name: str
) -> None:
    assert front_desk_http.get(at(maple, name)).status_code == 403


def test_the_history_partial_renders_sentences(maple: Practice, casey: Client) -> None:
    from django.template.loader import render_to_string

    record(
        "access.invite.sent",
        practice=maple,
        actor=Actor.system(),
        client=casey,
        details={"email": "casey@example.com"},
    )
    html = render_to_string("audit/_history.html", {"history": history_for_client(casey)})
    assert "Portal invitation sent to casey@example.com" in html
