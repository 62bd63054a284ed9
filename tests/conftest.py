from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.cache import caches
from django.test import Client as HttpClient
from django.urls import set_script_prefix

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice, Role
from tests.cast import (
    Family,
    by,
    invite,
    make_client,
    make_family,
    make_practice,
    make_staff,
    register_new,
)
from tests.mail.conftest import free_port


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings) -> Iterator[None]:
    # Argon2 is the production hasher; tests use a fast one (DESIGN.md, Testing).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    set_script_prefix("/")
    yield
    set_script_prefix("/")


@pytest.fixture(autouse=True)
def private_files(settings: LazySettings, tmp_path: Path) -> Path:
    """Uploads go to a fresh folder per test, never into the checkout's var/ (the
    setting_changed signal resets ``storages``)."""
    location = tmp_path / "private-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "portico.files.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture
def one_race_at_a_time(db: None) -> Iterator[None]:
    """Race tests open ~50 connections each; PostgreSQL allows 100 by default.

    Under pytest-xdist two of them at once would run out, so they take turns
    through a server-wide advisory lock (each worker has its own test database,
    but advisory locks belong to the server).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as turn:
        turn.execute("SELECT pg_advisory_lock(7001)")
        yield


@pytest.fixture
def maple_and_owner(db: None) -> tuple[Practice, User]:
    return make_practice("maple", "Maple Counseling", "olivia@maple.test", "Olivia")


@pytest.fixture
def maple(maple_and_owner: tuple[Practice, User]) -> Practice:
    return maple_and_owner[0]


@pytest.fixture
def owner(maple_and_owner: tuple[Practice, User]) -> User:
    return maple_and_owner[1]


@pytest.fixture
def front_desk(maple: Practice, owner: User) -> User:
    return make_staff(maple, owner, "frank@maple.test", "Frank", Role.FRONT_DESK)


@pytest.fixture
def clinician(maple: Practice, owner: User) -> User:
    return make_staff(maple, owner, "clara@maple.test", "Clara", Role.CLINICIAN)


@pytest.fixture
def casey(maple: Practice, owner: User) -> Client:
    return make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))


@pytest.fixture
def noah(maple: Practice, owner: User) -> Client:
    """A client with no email address."""
    return make_client(maple, owner, "Noah", "Nomail")


@pytest.fixture
def casey_account(casey: Client, owner: User) -> User:
    """Casey's own portal account: username "casey", the cast's password."""
    return register_new(send_invite(casey, by=by(owner)).link, username="casey")


@pytest.fixture
def pat(family: Family, owner: User) -> User:
    """Pat Parent's account, acting for Mia only."""
    return register_new(invite(family.pat_for_mia, owner), username="pat")


@pytest.fixture
def family(maple: Practice, owner: User) -> Family:
    """Pat Parent, parent of Mia and Leo (one contact record each, portal access on)."""
    return make_family(maple, owner)


@pytest.fixture
def birch_and_outsider(db: None) -> tuple[Practice, User]:
    return make_practice("birch", "Birch Therapy", "oscar@birch.test", "Oscar")


@pytest.fixture
def birch(birch_and_outsider: tuple[Practice, User]) -> Practice:
    return birch_and_outsider[0]


@pytest.fixture
def outsider(birch_and_outsider: tuple[Practice, User]) -> User:
    return birch_and_outsider[1]


@pytest.fixture
def owner_http(owner: User) -> HttpClient:
    http = HttpClient()
    http.force_login(owner)
    return http


@pytest.fixture
def front_desk_http(front_desk: User) -> HttpClient:
    http = HttpClient()
    http.force_login(front_desk)
    return http


@pytest.fixture
def outsider_http(outsider: User) -> HttpClient:
    http = HttpClient()
    http.force_login(outsider)
    return http


# --- Redis unreachable (tests/test_ratelimit_redis_down.py, tests/test_doctor.py) ---


@pytest.fixture
def redis_down(settings: LazySettings, db: None) -> Iterator[None]:
    database = settings.CACHES["database"]
    settings.CACHES = {
        "default": {
            "BACKEND": "portico.lib.cache.RedisCacheWithDatabaseFallback",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "database": database,
    }
    caches["database"].clear()
    yield
