"""Deliveries to a real HTTP receiver: signed, retried with backoff for 24 hours, then failed."""

from __future__ import annotations

import json
from datetime import timedelta

import time_machine
from django.conf import LazySettings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice
from portico.webhooks.delivery import RETRY_FOR, recover_stuck_webhooks
from portico.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.cast import make_client
from tests.mail.conftest import run_worker
from tests.webhooks.conftest import Receiver


def _add_robin(maple: Practice, owner: User) -> Client:
    return make_client(maple, owner, "Robin", "Reyes", emails=("robin@example.com",))


def test_an_added_client_reaches_the_receiver_signed_and_a_standard_verifier_accepts_it(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    robin = _add_robin(maple, owner)
    run_worker()
    [received] = receiver.received
    assert received.headers["content-type"] == "application/json"
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload["type"] == "client.created"
    assert payload["id"] == received.headers["webhook-id"]
    assert payload["data"]["client"] == str(robin.public_id)
    assert payload["data"]["practice"] == "maple"
    assert payload["data"]["access_state"] == "not_invited"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.last_status_code == 204
    assert delivery.attempts == 1


def test_a_receiver_with_another_secret_rejects_the_delivery(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    _add_robin(maple, owner)
    run_worker()
    [received] = receiver.received
    other = "whsec_" + "A" * 43 + "="
    try:
        Webhook(other).verify(received.body, received.headers)
    except WebhookVerificationError:
        pass
    else:
        raise AssertionError("a signature made with another secret verified")


def test_nothing_is_written_or_sent_when_the_change_rolls_back(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from django.db import transaction

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            _add_robin(maple, owner)
            assert WebhookDelivery.objects.count() == 1
            raise Undo
    except Undo:
        pass
    assert WebhookDelivery.objects.count() == 0
    run_worker()
    assert receiver.received == []


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_back(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        receiver.status = 500
        _add_robin(maple, owner)
        make_client(maple, owner, "Sam", "Stone")
        run_worker()
        assert len(receiver.received) == 2  # both tried, both answered 500
        first = WebhookDelivery.objects.order_by("pk").first()
        assert first is not None
        assert first.status == DeliveryStatus.RETRYING
        assert first.last_status_code == 500
        assert first.last_error == "HTTP 500 Internal Server Error"
        assert first.next_attempt_at is not None
        # 30 s ± 20 % jitter: not before 24 s.
        assert first.next_attempt_at - start >= timedelta(seconds=24)

        receiver.stop()  # now nothing listens: connection refused
        clock.move_to(start + timedelta(minutes=1))
        run_worker()
        refused = WebhookDelivery.objects.order_by("pk").first()
        assert refused is not None
        assert refused.attempts == 2
        assert refused.last_status_code is None
        assert refused.last_error.startswith("Connection refused")
        # The second wait is longer than the first (backoff).
        assert refused.next_attempt_at is not None
        assert refused.next_attempt_at - (start + timedelta(minutes=1)) >= timedelta(seconds=48)

        clock.move_to(start + timedelta(hours=2))
        receiver.status = 200
        receiver.start()
        run_worker()
    ids = {json.loads(body)["id"] for body in receiver.bodies()}
    assert len(ids) == 2  # the same two events, each with its own webhook-id on every try
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {3}


def test_a_delivery_that_fails_for_24_hours_is_tried_at_the_end_then_marked_failed(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    receiver.status = 503
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _add_robin(maple, owner)
        run_worker()
        delivery = WebhookDelivery.objects.get()
        while delivery.status == DeliveryStatus.RETRYING:
            assert delivery.next_attempt_at is not None
            assert delivery.next_attempt_at <= start + RETRY_FOR
            clock.move_to(delivery.next_attempt_at)
            run_worker()
            delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.last_status_code == 503
    # The last attempt was made when the 24 hours were up, not before.
    assert delivery.status_changed_at == start + RETRY_FOR
    assert 10 < delivery.attempts < 30
    assert len(receiver.received) == delivery.attempts


def test_an_answer_just_before_the_24_hours_end_still_delivers(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    receiver.status = 503
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _add_robin(maple, owner)
        run_worker()
        delivery = WebhookDelivery.objects.get()
        while delivery.next_attempt_at and delivery.next_attempt_at < start + RETRY_FOR:
            clock.move_to(delivery.next_attempt_at)
            run_worker()
            delivery.refresh_from_db()
        receiver.status = 200
        clock.move_to(start + RETRY_FOR)
        run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_redirect_is_not_followed_and_says_why(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    receiver.status = 302
    receiver.extra_headers = {"Location": "http://127.0.0.1:1/elsewhere"}
    _add_robin(maple, owner)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert len(receiver.received) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_given_back_and_sent(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _add_robin(maple, owner)
        WebhookDelivery.objects.update(status=DeliveryStatus.SENDING, status_changed_at=start)
        clock.move_to(start + timedelta(minutes=5))
        assert recover_stuck_webhooks() == 0  # a slow worker is not a dead one
        clock.move_to(start + timedelta(minutes=11))
        assert recover_stuck_webhooks() == 1
        run_worker()
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1


def test_deliveries_waiting_for_a_turned_off_endpoint_fail_instead_of_being_sent(
    maple: Practice, owner: User, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from portico.webhooks.actions import set_endpoint_enabled
    from tests.cast import by

    _add_robin(maple, owner)
    set_endpoint_enabled(endpoint, enabled=False, by=by(owner))
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Not sent: the endpoint was turned off."
    assert receiver.received == []


def test_a_host_that_resolves_to_this_machine_is_not_sent_to_outside_development(
    maple: Practice,
    owner: User,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    settings: LazySettings,
) -> None:
    # Registered while loopback was allowed (tests); then the installation is a real one.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=receiver.url.replace("127.0.0.1", "localhost")
    )
    settings.DEBUG, settings.TESTING = False, False
    _add_robin(maple, owner)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error == "Not sent: the host name points to a private network address."
    assert receiver.received == []
    # The same host is fine where this machine is allowed (development): the retry goes out.
    settings.TESTING = True
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        run_worker()
    assert len(receiver.received) == 1
