"""Which changes become webhook events, what their payloads say and never say."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from anymail.signals import AnymailTrackingEvent
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.access.actions import disable_portal_access, enable_portal_access, send_invite
from portico.access.bulk import process_bulk_invite, start_bulk_invite
from portico.accounts.models import User
from portico.audit.vocabulary import Action
from portico.clients.actions import archive_client
from portico.mail.models import OutboundEmail
from portico.mail.webhooks import record_tracking_event
from portico.practices.models import Practice
from portico.webhooks.actions import create_endpoint
from portico.webhooks.events import ACTION_EVENTS, EventType
from portico.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.cast import PASSWORD, at, by, make_client, register_new, token_of
from tests.mail.conftest import run_worker
from tests.webhooks.conftest import Receiver

ROBIN_DOB = date(1987, 6, 23)


def _payloads() -> list[dict]:  # type: ignore[type-arg]
    return [delivery.payload for delivery in WebhookDelivery.objects.order_by("created_at", "pk")]


def test_every_event_type_is_sent_by_its_action_and_no_payload_names_dates_or_email_text(
    maple: Practice,
    owner: User,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def committed() -> Any:  # each action commits, as in a request
        return django_capture_on_commit_callbacks(execute=True)

    with committed():
        robin = make_client(
            maple, owner, "Robin", "Reyes", emails=("robin.reyes@example.com",), dob=ROBIN_DOB
        )
    with committed():
        send_invite(robin, by=by(owner))
    with committed():
        link = send_invite(robin, by=by(owner)).link  # a resend
    email = OutboundEmail.objects.filter(link=link).latest("created_at", "pk")
    secrets_of_robin = [
        "Robin",
        "Reyes",
        "robin.reyes@example.com",
        "1987-06-23",
        "06/23/1987",
        token_of(link),
        email.subject,
        email.text_body.splitlines()[0],
    ]
    with committed():
        record_tracking_event(
            AnymailTrackingEvent(
                event_type="bounced",
                metadata={"portico_email": str(email.pk)},
                description="The mailbox does not exist.",
            )
        )
    with committed():
        register_new(link)
    with committed():
        disable_portal_access(robin, by=by(owner))
    with committed():
        enable_portal_access(robin, by=by(owner))
    with committed():
        archive_client(robin, by=by(owner))
    run_worker()

    payloads = _payloads()
    assert {payload["type"] for payload in payloads} == set(EventType.values)
    assert [p["type"] for p in payloads] == [
        "client.created",
        "access.invite.sent",
        "access.invite.sent",
        "email.bounced",
        "access.registration.completed",
        "access.disabled",
        "access.enabled",
        "client.updated",
    ]
    for payload in payloads:
        assert payload["data"]["client"] == str(robin.public_id)
        assert payload["data"]["practice"] == "maple"
        text = json.dumps(payload)
        for secret in secrets_of_robin:
            assert secret not in text, f"{payload['type']} holds {secret!r}"
    # Each state is the one its change left, however late the worker runs.
    assert [(p["data"]["access_state"], p["data"]["email_state"]) for p in payloads] == [
        ("not_invited", None),
        ("invited", "queued"),
        ("invited", "queued"),
        ("invited", "bounced"),
        ("active", "bounced"),  # the email that carried the link used
        ("disabled", "bounced"),
        ("active", "bounced"),
        ("active", "bounced"),
    ]
    assert [p["data"]["resent"] for p in payloads[1:3]] == [False, True]
    assert payloads[7]["data"]["change"] == Action.CLIENT_ARCHIVED
    received = [json.loads(body) for body in receiver.bodies()]
    assert sorted(r["id"] for r in received) == sorted(p["id"] for p in payloads)


def test_a_payload_is_the_same_on_every_retry(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    receiver.status = 500
    robin = make_client(maple, owner, "Robin", "Reyes", emails=("robin@example.com",))
    run_worker()
    send_invite(robin, by=by(owner))  # the state changes after the first attempt
    WebhookDelivery.objects.filter(event_type="client.created").update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=WebhookDelivery.objects.get(event_type="client.created").created_at,
    )
    run_worker()
    first, second = (json.loads(body) for body in receiver.bodies()[:2])
    assert first == second
    assert first["data"]["access_state"] == "not_invited"


def test_an_event_the_endpoint_did_not_choose_writes_no_delivery(
    maple: Practice, owner: User, receiver: Receiver
) -> None:
    create_endpoint(
        maple,
        url=receiver.url,
        description="",
        event_types=[EventType.ACCESS_DISABLED],
        by=by(owner),
    )
    robin = make_client(maple, owner, "Robin", "Reyes", emails=("robin@example.com",))
    send_invite(robin, by=by(owner))
    assert WebhookDelivery.objects.count() == 0
    disable_portal_access(robin, by=by(owner))
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == ["access.disabled"]


def test_a_turned_off_endpoint_and_another_practice_get_no_delivery(
    maple: Practice, owner: User, birch: Practice, outsider: User, receiver: Receiver
) -> None:
    off = create_endpoint(
        maple,
        url=receiver.url,
        description="",
        event_types=EventType.values,
        enabled=False,
        by=by(owner),
    )
    create_endpoint(
        birch, url=receiver.url, description="", event_types=EventType.values, by=by(outsider)
    )
    make_client(maple, owner, "Robin", "Reyes")
    assert not WebhookDelivery.objects.filter(endpoint=off).exists()
    assert WebhookDelivery.objects.count() == 0


def test_a_bulk_invitation_writes_one_delivery_per_invited_client(
    maple: Practice, owner: User, endpoint: WebhookEndpoint
) -> None:
    clients = [
        make_client(maple, owner, f"Client{n}", "Bulk", emails=(f"c{n}@example.com",))
        for n in range(3)
    ]
    WebhookDelivery.objects.all().delete()
    bulk = start_bulk_invite(maple, by=by(owner))
    process_bulk_invite(bulk.pk)
    invited = [
        d.payload["data"]["client"]
        for d in WebhookDelivery.objects.filter(event_type="access.invite.sent")
    ]
    assert sorted(invited) == sorted(str(client.public_id) for client in clients)


def test_sign_in_actions_are_no_webhook_events() -> None:
    sign_ins = {a for a in Action if a.value.startswith("signin.")}
    assert sign_ins and not sign_ins & set(ACTION_EVENTS)


def test_signing_in_runs_no_webhook_query(
    maple: Practice, owner: User, endpoint: WebhookEndpoint
) -> None:
    http = HttpClient()
    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            at(maple, "accounts:staff_sign_in"), {"email": owner.email, "password": PASSWORD}
        )
        failed = HttpClient().post(
            at(maple, "accounts:staff_sign_in"), {"email": owner.email, "password": "wrong one"}
        )
    assert response.status_code == 302
    assert failed.status_code == 400
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('INSERT INTO "audit_auditevent"' in each for each in sql) == 2  # record() ran
    assert not [each for each in sql if "webhooks_" in each]
    assert WebhookDelivery.objects.count() == 0
