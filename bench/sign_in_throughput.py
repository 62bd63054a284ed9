"""Sign-in throughput as a ratio of the pure Argon2id verify rate.

    .venv/bin/python bench/sign_in_throughput.py [N]

Hashing is the physical limit of a sign-in: with Argon2id at m = 19 MiB, t = 2,
p = 1 one verification costs tens of milliseconds, so everything else a sign-in
does (rate-limit counters, the lockout check, the session, the audit row) should
cost little beside it. This posts N real staff sign-ins through the whole Django
stack (middleware, CSRF-exempt test client, the sign-in flow) and times N bare
``argon2.PasswordHasher.verify`` calls with the same parameters on the same
machine. Prints both rates and the ratio (goal ≥ 0.90). Each sign-in uses its own
account and client address, so the rate limits never refuse one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot  # noqa: E402 (after the path is set)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    boot()
    from argon2 import PasswordHasher, Type
    from django.test import Client as HttpClient

    from portico.accounts.hashers import PorticoArgon2Hasher
    from portico.audit.actor import Actor
    from portico.lib.urls import practice_path
    from portico.practices.actions import add_staff_member, create_practice
    from portico.practices.models import Role

    password = "a long bench password 2026"
    slug = f"bench{int(time.time())}"
    practice, owner = create_practice(
        slug=slug,
        name="Bench Practice",
        owner_email=f"owner@{slug}.test",
        owner_first_name="Olivia",
        owner_last_name="Owner",
        owner_password=password,
    )
    emails = [f"staff{i}@{slug}.test" for i in range(n)]
    for email in emails:
        add_staff_member(
            practice,
            email=email,
            first_name="Bench",
            last_name="Staff",
            role=Role.FRONT_DESK,
            password=password,
            by=Actor.for_user(owner),
        )
    sign_in = f"/p/{slug}{practice_path('accounts:staff_sign_in')}"

    # Warm up: the first request imports and compiles templates.
    HttpClient(REMOTE_ADDR="10.9.9.9").post(sign_in, {"email": emails[0], "password": password})

    hasher = PasswordHasher(
        time_cost=PorticoArgon2Hasher.time_cost,
        memory_cost=PorticoArgon2Hasher.memory_cost,
        parallelism=PorticoArgon2Hasher.parallelism,
        type=Type.ID,
    )
    encoded = hasher.hash(password)

    # Interleaved, so both sides see the same machine load.
    sign_in_seconds = verify_seconds = 0.0
    http = HttpClient()  # one browser, as a load balancer's keep-alive client would be
    for i, email in enumerate(emails):
        http.cookies.clear()
        address = f"10.0.{i // 250}.{i % 250}"
        started = time.perf_counter()
        response = http.post(sign_in, {"email": email, "password": password}, REMOTE_ADDR=address)
        sign_in_seconds += time.perf_counter() - started
        assert response.status_code == 302, (response.status_code, response.content[:300])
        started = time.perf_counter()
        hasher.verify(encoded, password)
        verify_seconds += time.perf_counter() - started
    portico_rate = n / sign_in_seconds
    argon_rate = n / verify_seconds

    print(f"pure Argon2id verify : {argon_rate:8.1f} /s")
    print(f"Portico staff sign-in: {portico_rate:8.1f} /s")
    print(f"ratio sign-in / verify: {portico_rate / argon_rate:.2f}  (goal >= 0.90)")


if __name__ == "__main__":
    main()
