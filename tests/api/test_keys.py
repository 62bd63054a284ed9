"""API keys: the settings pages, how a key is checked, its rate limit, and the reference."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.api.keys import create_api_key, hash_secret
from portico.api.models import ApiKey
from portico.audit.models import AuditEvent
from portico.lib.ratelimit import RATE_LIMITS, parse_rules
from portico.practices.models import Practice
from tests.api.conftest import Api
from tests.cast import at, by

# --- the settings pages -------------------------------------------------------------------


def test_an_owner_creates_a_key_and_sees_the_secret_once(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.post(
        at(maple, "api:create_key"),
        {"name": "EHR sync", "role": "front_desk", "expires_in_days": "90"},
    )
    assert response.status_code == 200
    secret = re.search(rb"pk_live_[0-9a-f]{6}_[\w-]{43}", response.content)
    assert secret is not None
    key = ApiKey.objects.get(name="EHR sync")
    assert key.secret_hash == hash_secret(secret[0].decode())
    assert key.role == "front_desk"
    assert key.expires_at is not None
    assert key.expires_at - timezone.now() > timedelta(days=89)
    assert secret[0].decode().startswith(key.prefix + "_")

    listing = owner_http.get(at(maple, "api:keys"))
    assert key.prefix.encode() in listing.content
    assert secret[0] not in listing.content
    event = AuditEvent.objects.get(action="api.key.created")
    assert secret[0].decode() not in str(event.details)
    assert event.details["key"] == key.prefix


def test_a_key_needs_a_name_and_a_role(maple: Practice, owner_http: HttpClient) -> None:
    response = owner_http.post(at(maple, "api:create_key"), {"name": "  ", "role": ""})
    assert response.status_code == 400
    assert b"Give the key a name" in response.content
    assert b"Choose what the key may do." in response.content
    assert not ApiKey.objects.exists()


def test_front_desk_cannot_manage_keys(maple: Practice, front_desk_http: HttpClient) -> None:
    assert front_desk_http.get(at(maple, "api:keys")).status_code == 403
    created = front_desk_http.post(at(maple, "api:create_key"), {"name": "x", "role": "owner"})
    assert created.status_code == 403
    assert not ApiKey.objects.exists()


def test_revoking_stops_the_key_at_once(maple: Practice, owner_http: HttpClient, api: Api) -> None:
    key = ApiKey.objects.get()
    assert api.get("clients").status_code == 200
    response = owner_http.post(at(maple, "api:revoke_key", key.public_id))
    assert response.status_code == 302
    assert api.get("clients").status_code == 401
    assert AuditEvent.objects.filter(action="api.key.revoked").count() == 1


def test_another_practices_key_cannot_be_revoked_from_here(
    maple: Practice, owner_http: HttpClient, birch_key: str
) -> None:
    birchs = ApiKey.objects.get(practice__slug="birch")
    assert owner_http.post(at(maple, "api:revoke_key", birchs.public_id)).status_code == 404
    birchs.refresh_from_db()
    assert birchs.revoked_at is None


# --- checking a key -----------------------------------------------------------------------


def test_a_key_works_until_the_moment_it_expires(maple: Practice, owner: object) -> None:
    expires = timezone.now() + timedelta(days=1)
    secret = create_api_key(
        maple, by=by(owner), name="Short", role="owner", expires_at=expires
    ).secret
    api = Api(maple, secret, HttpClient())
    with time_machine.travel(expires - timedelta(seconds=1)):
        assert api.get("clients").status_code == 200
    with time_machine.travel(expires):
        assert api.get("clients").status_code == 401


def test_last_use_is_remembered_with_the_address(api: Api) -> None:
    api.call("GET", "clients", headers={"User-Agent": "sync/1"})
    key = ApiKey.objects.get()
    assert key.last_used_at is not None
    assert key.last_used_ip == "127.0.0.1"


def test_each_key_has_its_own_rate_limit(api: Api, read_only_key: str) -> None:
    [rule] = parse_rules(RATE_LIMITS["api"])
    assert (rule.count, rule.seconds, rule.scope) == (600, 60, "key")
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        for _ in range(rule.count):
            assert api.get("emails?limit=1").status_code == 200
        refused = api.get("emails?limit=1")
        assert refused.status_code == 429
        assert refused.json()["type"] == "urn:portico:problem:rate-limited"
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert api.as_key(read_only_key).get("emails?limit=1").status_code == 200


# --- the document and the reference page --------------------------------------------------


def test_the_openapi_document_is_3_1_and_public(maple: Practice) -> None:
    response = HttpClient().get(f"/p/{maple.slug}/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert (
        "BearerAuth" in str(document["components"]["securitySchemes"])
        or document["components"]["securitySchemes"]
    )
    create = document["paths"][f"/p/{maple.slug}/api/v1/clients"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    schema = document["components"]["schemas"]["ClientIn"]
    assert schema["additionalProperties"] is False


def test_the_reference_page_loads_only_our_own_scripts_under_the_site_csp(
    maple: Practice,
) -> None:
    response = HttpClient().get(f"/p/{maple.slug}/api/v1/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    assert "cdn" not in html.lower()
    # The only inline script is JSON data (never executed, so the CSP allows it).
    inline = re.findall(r"<script(?![^>]*src=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline), inline
