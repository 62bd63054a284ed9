"""Keys of every kind, and a small JSON client that sends one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.api.keys import create_api_key, revoke_api_key
from portico.api.models import KeyRole
from portico.practices.models import Practice
from tests.cast import by


@dataclass
class Api:
    """Calls /p/<slug>/api/v1/... of one practice with one key."""

    practice: Practice
    secret: str
    http: HttpClient

    def url(self, path: str) -> str:
        return f"/p/{self.practice.slug}/api/v1/{path.lstrip('/')}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        extra = {"Authorization": f"Bearer {self.secret}"} | (headers or {})
        kwargs: dict[str, Any] = {"headers": extra}
        if data is not None:
            kwargs |= {"data": data, "content_type": "application/json"}
        return self.http.generic(method.upper(), self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body, **kwargs)

    def as_key(self, secret: str) -> Api:
        return Api(self.practice, secret, self.http)


def new_key(practice: Practice, owner: User, role: str = KeyRole.OWNER, **kwargs: Any) -> str:
    return create_api_key(practice, by=by(owner), name=f"{role} key", role=role, **kwargs).secret


@pytest.fixture
def owner_key(maple: Practice, owner: User) -> str:
    return new_key(maple, owner)


@pytest.fixture
def read_only_key(maple: Practice, owner: User) -> str:
    return new_key(maple, owner, KeyRole.READ_ONLY)


@pytest.fixture
def expired_key(maple: Practice, owner: User) -> str:
    return new_key(maple, owner, expires_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def revoked_key(maple: Practice, owner: User) -> str:
    created = create_api_key(maple, by=by(owner), name="Old", role=KeyRole.OWNER)
    revoke_api_key(created.key, by=by(owner))
    return created.secret


@pytest.fixture
def birch_key(birch: Practice, outsider: User) -> str:
    return new_key(birch, outsider)


@pytest.fixture
def api(maple: Practice, owner_key: str) -> Api:
    return Api(maple, owner_key, HttpClient())
