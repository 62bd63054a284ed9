from __future__ import annotations

from django.test import Client as HttpClient

from portico.practices.models import Practice


def test_an_unknown_practice_is_a_plain_404(db: None) -> None:
    response = HttpClient().get("/p/nowhere/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_the_health_check_answers_ok(db: None) -> None:
    assert HttpClient().get("/healthz").json() == {"status": "ok"}


def test_the_cast_has_two_practices(maple: Practice, birch: Practice) -> None:
    assert {maple.slug, birch.slug} == {"maple", "birch"}
