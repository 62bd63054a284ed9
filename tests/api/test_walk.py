"""Every operation of the OpenAPI document, walked with every kind of key.

Like the staff-URL isolation walk (tests/test_tenant_isolation.py), the list of
operations comes from the document itself, so a new operation is walked the day it
is added: the owner's key is answered, a read-only key may read and is refused every
write (403), an expired or revoked key is refused (401), and another practice's key
gets 404 at Maple's address, and 404 for Maple's objects at its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient

from portico.access.bulk import start_bulk_invite
from portico.accounts.models import User
from portico.clients.models import Client, Contact
from portico.clients.queries import default_email
from portico.practices.models import Practice
from tests.api.conftest import Api
from tests.cast import by, parent_of

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/clients"): {"first_name": "Walk", "last_name": "Er", "date_of_birth": "1980-01-01"},
    ("patch", "/clients/{client_id}"): {"phone": "555 010 0199"},
    ("post", "/clients/{client_id}/emails"): {"email": "casey.work@example.com"},
    ("post", "/clients/{client_id}/contacts"): {
        "first_name": "Sam",
        "last_name": "Client",
        "relationship": "partner",
    },
}


@dataclass
class Operation:
    method: str
    template: str

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def path(self, ids: dict[str, str]) -> str:
        return self.template.format(**ids).lstrip("/")

    def body(self) -> Any:
        return BODIES.get((self.method, self.template))


def operations(api: Api) -> list[Operation]:
    document = json.loads(api.http.get(api.url("openapi.json")).content)
    prefix = f"/p/{api.practice.slug}/api/v1"
    found = [
        Operation(method, path.removeprefix(prefix))
        for path, methods in document["paths"].items()
        for method in methods
    ]
    # Removals last, so every other operation still finds its object.
    return sorted(found, key=lambda op: op.method == "delete")


@pytest.fixture
def ids(maple: Practice, owner: User, casey: Client) -> dict[str, str]:
    contact: Contact = parent_of(casey, owner, first="Cam", email="cam@example.com")
    email = default_email(casey)
    assert email is not None
    bulk = start_bulk_invite(maple, by=by(owner))
    return {
        "client_id": str(casey.public_id),
        "contact_id": str(contact.public_id),
        "email_id": str(email.pk),
        "bulk_id": str(bulk.public_id),
    }


def test_the_walk_finds_every_kind_of_operation(api: Api) -> None:
    found = {(op.method, op.template) for op in operations(api)}
    assert ("post", "/clients") in found
    assert ("post", "/clients/{client_id}/access/invite") in found
    assert ("get", "/access-history") in found
    assert len(found) >= 25


def test_the_owner_key_is_answered_by_every_operation(api: Api, ids: dict[str, str]) -> None:
    for op in operations(api):
        response = api.call(op.method, op.path(ids), op.body())
        # 409: a refusal staff would also see (say, unlock when not locked is fine, but
        # an invitation after access was turned off is not); never 401/403/404/5xx.
        assert response.status_code in (200, 201, 202, 204, 409), (
            f"{op.method.upper()} {op.template}: {response.status_code} {response.content[:300]}"
        )


def test_a_read_only_key_reads_and_every_write_is_refused_with_403(
    api: Api, read_only_key: str, ids: dict[str, str]
) -> None:
    reader = api.as_key(read_only_key)
    for op in operations(api):
        response = reader.call(op.method, op.path(ids), op.body())
        # Bulk invitations are read by those who may send them, as on the staff pages.
        refused = op.writes or op.template.startswith("/bulk-invites")
        expected = 403 if refused else 200
        assert response.status_code == expected, f"{op.method.upper()} {op.template}"
        if refused:
            assert response["Content-Type"] == "application/problem+json"
            assert "read only" in response.json()["detail"]


@pytest.mark.parametrize("kind", ["expired", "revoked", "unknown", "missing"])
def test_an_expired_revoked_unknown_or_missing_key_gets_401_from_every_operation(
    kind: str, api: Api, expired_key: str, revoked_key: str, ids: dict[str, str]
) -> None:
    secret = {
        "expired": expired_key,
        "revoked": revoked_key,
        "unknown": "pk_live_000000_" + "x" * 43,
        "missing": "",
    }[kind]
    caller = api.as_key(secret)
    for op in operations(api):
        response = caller.call(op.method, op.path(ids), op.body())
        assert response.status_code == 401, f"{op.method.upper()} {op.template}"
        problem = response.json()
        assert problem["status"] == 401 and problem["title"] == "Not signed in"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_another_practices_key_gets_404_at_every_maple_address(
    api: Api, birch_key: str, ids: dict[str, str]
) -> None:
    outsider = api.as_key(birch_key)
    for op in operations(api):
        response = outsider.call(op.method, op.path(ids), op.body())
        assert response.status_code == 404, f"{op.method.upper()} {op.template}"
        assert b"Casey" not in response.content


def test_another_practices_key_gets_404_for_every_maple_object_at_its_own_address(
    api: Api, birch: Practice, birch_key: str, ids: dict[str, str]
) -> None:
    outsider = Api(birch, birch_key, HttpClient())
    checked = 0
    for op in operations(api):
        if "{" not in op.template:
            continue  # practice-wide: Birch's own
        response = outsider.call(op.method, op.path(ids), op.body())
        assert response.status_code == 404, f"{op.method.upper()} {op.template}"
        assert response.json()["type"] == "urn:portico:problem:not-found"
        checked += 1
    assert checked >= 20
