"""Idempotency-Key: a retried POST gets the first answer, never a second client or email."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.api.idempotency import forget_old_requests
from portico.api.models import IdempotentRequest
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.api.conftest import Api, new_key

ANN = {
    "first_name": "Ann",
    "last_name": "Lee",
    "date_of_birth": "01/02/1990",
    "email": "ann.lee@example.com",
}


def _post(api: Api, body: dict[str, Any], key: str) -> Any:
    return api.post("clients", body, headers={"Idempotency-Key": key})


def test_a_retried_create_returns_the_first_answer_and_adds_no_second_client_or_email(
    api: Api,
) -> None:
    first = _post(api, ANN, "create-ann-1")
    again = _post(api, ANN, "create-ann-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Client.objects.filter(first_name="Ann").count() == 1
    assert OutboundEmail.objects.filter(to_address="ann.lee@example.com").count() == 1


def test_without_the_header_two_posts_are_two_requests(api: Api) -> None:
    api.post("clients", ANN)
    api.post("clients", ANN)
    assert Client.objects.filter(first_name="Ann").count() == 2


def test_the_same_key_with_a_different_body_is_refused_with_422(api: Api) -> None:
    _post(api, ANN, "k-1")
    other = _post(api, ANN | {"first_name": "Anne"}, "k-1")

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:portico:problem:idempotency-key-reused"
    assert not Client.objects.filter(first_name="Anne").exists()


def test_a_refused_request_keeps_nothing_so_the_corrected_retry_runs(api: Api) -> None:
    refused = _post(api, ANN | {"date_of_birth": "1990/01/02"}, "k-2")
    corrected = _post(api, ANN, "k-2")

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert IdempotentRequest.objects.filter(key="k-2", status_code=201).count() == 1


def test_an_idempotency_key_belongs_to_one_api_key(api: Api, maple: Practice, owner: User) -> None:
    _post(api, ANN, "shared")
    _post(api.as_key(new_key(maple, owner)), ANN, "shared")
    assert Client.objects.filter(first_name="Ann").count() == 2


def test_send_invite_retried_sends_one_email(api: Api, casey: Client) -> None:
    path = f"clients/{casey.public_id}/access/invite"
    first = api.post(path, headers={"Idempotency-Key": "invite-casey"})
    again = api.post(path, headers={"Idempotency-Key": "invite-casey"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert OutboundEmail.objects.filter(client=casey).count() == 1


def test_stored_answers_are_deleted_after_24_hours_by_periodic(api: Api) -> None:
    _post(api, ANN, "old")
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert forget_old_requests() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        assert forget_old_requests() == 1
    assert not IdempotentRequest.objects.exists()


@pytest.mark.postgres  # SQLite has one writer: the second request could not run alongside
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_posts_make_one_client_and_one_email(
    api: Api, one_race_at_a_time: None
) -> None:
    start = threading.Barrier(2)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            start.wait()
            answers.append(_post(Api(api.practice, api.secret, HttpClient()), ANN, "race"))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Client.objects.filter(first_name="Ann").count() == 1
    assert OutboundEmail.objects.filter(to_address="ann.lee@example.com").count() == 1
