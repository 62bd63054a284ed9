from __future__ import annotations

import logging

import pytest
from django.conf import LazySettings
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.record import record
from portico.lib.logscrub import ScrubSecretsFilter, scrub
from portico.lib.urls import practice_base_url, practice_url
from portico.practices.models import Practice


def test_audit_events_refuse_secrets_in_details(maple: Practice, owner: User) -> None:
    for key in ("token", "password", "date_of_birth", "DOB"):
        with pytest.raises(ValueError, match="must not hold secrets"):
            record("x.y", practice=maple, actor=Actor.for_user(owner), details={key: "1"})


def test_audit_events_cannot_be_changed_or_deleted(maple: Practice, owner: User) -> None:
    event = record("x.y", practice=maple, actor=Actor.for_user(owner))
    event.action = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x.y"


def test_log_lines_lose_anything_shaped_like_a_token() -> None:
    token = "Zx8_k2-" + "a" * 40
    assert token not in scrub(f'"GET /p/maple/welcome/{token}/ HTTP/1.1" 302')
    record_ = logging.LogRecord("x", logging.INFO, "f", 1, "GET %s", (f"/reset/{token}/",), None)
    ScrubSecretsFilter().filter(record_)
    assert token not in record_.getMessage()


def test_links_in_emails_come_from_configuration_in_development(maple: Practice) -> None:
    assert practice_base_url(maple) == "http://localhost:8000/p/maple"


def test_links_in_emails_use_the_practice_subdomain_in_production(
    maple: Practice, settings: LazySettings
) -> None:
    settings.BASE_URL = "https://portico.example.org"
    settings.BASE_DOMAIN = "portico.example.org"
    assert practice_url(maple, "clients:list") == "https://maple.portico.example.org/staff/clients/"


def test_a_practice_is_found_by_its_subdomain(maple: Practice, settings: LazySettings) -> None:
    settings.BASE_DOMAIN = "portico.example.org"
    settings.ALLOWED_HOSTS = [".portico.example.org"]
    http = HttpClient()
    response = http.get("/staff/clients/", HTTP_HOST="maple.portico.example.org")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/sign-in/")
    unknown = http.get("/staff/clients/", HTTP_HOST="nowhere.portico.example.org")
    assert unknown.status_code == 404


def test_inside_a_practice_every_generated_url_carries_its_prefix(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.get("/p/maple/staff/clients/")
    assert response.status_code == 200
    assert b'href="/p/maple/staff/clients/"' in response.content


def test_responses_carry_a_content_security_policy(db: None) -> None:
    response = HttpClient().get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_unknown_practice_is_a_plain_404(db: None) -> None:
    response = HttpClient().get("/p/nowhere/staff/clients/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_the_health_check_answers_ok(db: None) -> None:
    assert HttpClient().get("/healthz").json() == {"status": "ok"}


def test_the_staff_address_leads_to_the_client_list(owner_http: HttpClient) -> None:
    response = owner_http.get("/p/maple/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/p/maple/staff/clients/"


def test_the_staff_address_asks_strangers_to_sign_in(maple: Practice) -> None:
    response = HttpClient().get("/p/maple/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/p/maple/staff/sign-in/")
