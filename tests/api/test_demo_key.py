"""seed_demo prints a working owner-role key, and a new one (the old revoked) each run."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import Client as HttpClient

from portico.api.models import ApiKey
from portico.practices.models import Practice
from tests.api.conftest import Api


def _printed_key(output: str) -> str:
    match = re.search(r"API key:\s+(pk_live_\S+)", output)
    assert match, output
    return match[1]


def test_seed_demo_prints_a_key_that_works_and_replaces_it_on_every_run(db: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    old, new = _printed_key(first.getvalue()), _printed_key(second.getvalue())
    assert old != new
    assert "/p/lakeside/api/v1/" in second.getvalue()

    lakeside = Practice.objects.get(slug="lakeside")
    http = HttpClient()
    assert Api(lakeside, new, http).get("clients").status_code == 200
    assert Api(lakeside, old, http).get("clients").status_code == 401
    working = ApiKey.objects.filter(practice=lakeside, revoked_at__isnull=True)
    assert [(key.name, key.role) for key in working] == [("Demo integration", "owner")]


def test_the_readmes_three_curl_calls_work_against_the_demo(db: None) -> None:
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    api = Api(Practice.objects.get(slug="lakeside"), _printed_key(output.getvalue()), HttpClient())
    created = api.post(
        "clients",
        {
            "first_name": "Riley",
            "last_name": "Stone",
            "date_of_birth": "03/14/1991",
            "email": "riley.stone@example.com",
        },
        headers={"Idempotency-Key": "add-riley-1"},
    )
    assert created.status_code == 201, created.content
    client_id = created.json()["id"]
    status = api.get(f"clients/{client_id}/access")
    assert status.status_code == 200
    assert status.json()["state"] == "invited"
    sent = api.post(
        f"clients/{client_id}/access/invite", headers={"Idempotency-Key": "invite-riley-1"}
    )
    assert sent.status_code == 200
    assert sent.json()["sent_to"] == "riley.stone@example.com"
