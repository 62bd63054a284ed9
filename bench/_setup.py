"""Shared start-up for the benchmarks: a fresh database, Django set up, quiet logs.

A fresh SQLite database in a temporary directory, or DATABASE_URL if set (for
PostgreSQL, point it at a scratch database: the benchmarks create rows).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client as HttpClient

    from portico.practices.models import Practice


def boot() -> None:
    os.environ.setdefault("PORTICO_DATA_DIR", tempfile.mkdtemp(prefix="portico-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portico.settings")
    os.environ.setdefault("PORTICO_LOG_LEVEL", "ERROR")
    os.environ.setdefault("PORTICO_ALLOWED_HOSTS", "testserver")
    if not os.environ.get("EMAIL_URL") and not os.environ.get("PORTICO_EMAIL_SERVICE"):
        # Emails stay in the (staff-only) local mailbox; debug would slow every query.
        os.environ.setdefault("PORTICO_LOCAL_MAILBOX", "true")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def p95_of_pages(http: Any, pages: dict[str, str], requests: int) -> dict[str, tuple[float, int]]:
    """For each named page: (p95 seconds over ``requests`` GETs after one warm-up, queries)."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, target in pages.items():
        http.get(target)  # warm
        samples: list[float] = []
        query_count = 0
        for _ in range(requests):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = http.get(target)
            samples.append(time.perf_counter() - started)
            query_count = len(queries.captured_queries)
            assert response.status_code == 200
        results[name] = (percentile(samples, 0.95), query_count)
    return results


def compare_sizes(
    small: dict[str, tuple[float, int]], large: dict[str, tuple[float, int]], big: int
) -> float:
    """Print each page's p95 at 100 and at ``big`` rows and their ratio; return the worst."""
    worst = 0.0
    for name in small:
        (p95_small, q_small), (p95_large, q_large) = small[name], large[name]
        ratio = p95_large / p95_small
        worst = max(worst, ratio)
        print(
            f"{name:11}: p95 {p95_small * 1000:6.1f} ms at 100, {p95_large * 1000:6.1f} ms at "
            f"{big}: ratio {ratio:.2f}; queries {q_small} vs {q_large}"
        )
    return worst


def practice_with_front_desk(slug: str) -> tuple[Any, Any, Any]:
    """A practice, its owner and a front-desk member (no passwords): (practice, owner, desk)."""
    from portico.audit.actor import Actor
    from portico.practices.actions import add_staff_member, create_practice
    from portico.practices.models import Role

    practice, owner = create_practice(
        slug=slug,
        name=f"Practice {slug}",
        owner_email=f"owner@{slug}.test",
        owner_first_name="O",
        owner_last_name="Owner",
        owner_password=None,
    )
    desk = add_staff_member(
        practice,
        email=f"desk@{slug}.test",
        first_name="F",
        last_name="Desk",
        role=Role.FRONT_DESK,
        password=None,
        by=Actor.for_user(owner),
    )
    return practice, owner, desk


def argon2_verifier(password: str) -> Callable[[], None]:
    """One bare Argon2id verification of ``password`` with Portico's parameters, as a call.

    The physical limit of a sign-in: the sign-in benchmarks compare against its rate.
    """
    from argon2 import PasswordHasher, Type

    from portico.accounts.hashers import PorticoArgon2Hasher

    hasher = PasswordHasher(
        time_cost=PorticoArgon2Hasher.time_cost,
        memory_cost=PorticoArgon2Hasher.memory_cost,
        parallelism=PorticoArgon2Hasher.parallelism,
        type=Type.ID,
    )
    encoded = hasher.hash(password)
    return lambda: hasher.verify(encoded, password) and None


def portal_accounts(practice: Practice, count: int, *, password: str) -> list[str]:
    """``count`` clients with a portal account each, all with ``password`` (not temporary);
    returns their usernames. One hash for all of them, rows written with bulk_create, so
    seeding thousands takes seconds (benchmarks measure signing in, not this setup).
    """
    from datetime import date

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from portico.access.models import PortalAccess
    from portico.accounts.models import User, UserKind
    from portico.clients.models import Client, ClientEmail

    encoded = make_password(password)
    now = timezone.now()
    usernames = [f"{practice.slug}-p{i}" for i in range(count)]
    batch = 2000
    for start in range(0, count, batch):
        names = usernames[start : start + batch]
        with transaction.atomic():
            clients = Client.objects.bulk_create(
                Client(
                    practice=practice,
                    first_name="Pat",
                    last_name=name,
                    date_of_birth=date(1980, 1, 1),
                )
                for name in names
            )
            ClientEmail.objects.bulk_create(
                ClientEmail(
                    practice=practice, client=client, address=f"{name}@example.com", is_default=True
                )
                for client, name in zip(clients, names, strict=True)
            )
            users = User.objects.bulk_create(
                User(
                    practice=practice,
                    kind=UserKind.PORTAL,
                    username=name,
                    email=f"{name}@example.com",
                    first_name="Pat",
                    last_name=name,
                    password=encoded,
                )
                for name in names
            )
            PortalAccess.objects.bulk_create(
                PortalAccess(practice=practice, user=user, client=client, created_at=now)
                for user, client in zip(users, clients, strict=True)
            )
    return usernames


def practice_with_clients(
    slug: str, count: int, name: Callable[[int], tuple[str, str]]
) -> tuple[Practice, HttpClient]:
    """A practice with ``count`` clients (``name(i)`` -> first, last), each with a default
    email, inserted with bulk_create in batches; returns (practice, a signed-in front-desk
    test client). Benchmarks measure reading and inviting, not this setup.
    """
    from datetime import date

    from django.db import transaction
    from django.test import Client as HttpClient

    from portico.access.models import PortalAccess
    from portico.clients.models import Client, ClientEmail

    practice, _owner, desk = practice_with_front_desk(slug)
    batch = 5000
    for start in range(0, count, batch):
        with transaction.atomic():
            clients = Client.objects.bulk_create(
                Client(
                    practice=practice,
                    first_name=name(i)[0],
                    last_name=name(i)[1],
                    date_of_birth=date(1950 + i % 60, 1 + i % 12, 1 + i % 28),
                )
                for i in range(start, min(count, start + batch))
            )
            ClientEmail.objects.bulk_create(
                ClientEmail(
                    practice=practice,
                    client=client,
                    address=f"c{client.pk}@example.com",
                    is_default=True,
                )
                for client in clients
            )
            # Added with portal access on, as the staff screen adds them.
            PortalAccess.objects.bulk_create(
                PortalAccess(practice=practice, client=client, created_at=client.created_at)
                for client in clients
            )
    http = HttpClient()
    http.force_login(desk)
    return practice, http
