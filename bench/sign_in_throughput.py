"""Sign-in throughput as a ratio of the pure Argon2id verify rate (staff or portal).

    .venv/bin/python bench/sign_in_throughput.py [--portal] [N]

Hashing is the physical limit of a sign-in: with Argon2id at m = 19 MiB, t = 2,
p = 1 one verification costs tens of milliseconds, so everything else a sign-in
does (rate-limit counter, the back-off check, the session, last sign-in, the audit
row) should cost little beside it. This posts N real sign-ins (staff by default,
portal with ``--portal``) through the whole Django stack (middleware, CSRF-exempt
test client, the sign-in flow) and times N bare ``argon2.PasswordHasher.verify``
calls with the same parameters on the same machine, interleaved. Prints both rates,
the ratio (goal ≥ 0.90) and the database queries one sign-in makes. Each sign-in
uses its own account and client address, so the rate limits never refuse one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import argon2_verifier, boot, portal_accounts  # noqa: E402 (after the path)


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    portal = "--portal" in sys.argv[1:]
    verbose = "--queries" in sys.argv[1:]
    n = int(args[0]) if args else 60
    boot()
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

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
    if portal:
        field = "identifier"
        identifiers = portal_accounts(practice, n + 1, password=password)
        sign_in = f"/p/{slug}{practice_path('portal:sign_in')}"
    else:
        field = "email"
        identifiers = [f"staff{i}@{slug}.test" for i in range(n + 1)]
        for email in identifiers:
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

    # Warm up (the first request imports and compiles templates), counting its queries.
    with CaptureQueriesContext(connection) as queries:
        response = HttpClient(REMOTE_ADDR="10.9.9.9").post(
            sign_in, {field: identifiers[-1], "password": password}
        )
    assert response.status_code == 302, (response.status_code, response.content[:300])
    statements = [query["sql"] for query in queries.captured_queries]
    commits = sum(sql == "COMMIT" for sql in statements)
    statements = [sql for sql in statements if sql not in ("COMMIT", "BEGIN", "BEGIN IMMEDIATE")]
    if verbose:
        for query in queries.captured_queries:
            print(f"  {query['sql'][:160]}")

    verify = argon2_verifier(password)
    # Interleaved, so both sides see the same machine load.
    sign_in_seconds = verify_seconds = 0.0
    http = HttpClient()  # one browser, as a load balancer's keep-alive client would be
    for i, identifier in enumerate(identifiers[:n]):
        http.cookies.clear()
        address = f"10.0.{i // 250}.{i % 250}"
        started = time.perf_counter()
        response = http.post(
            sign_in, {field: identifier, "password": password}, REMOTE_ADDR=address
        )
        sign_in_seconds += time.perf_counter() - started
        assert response.status_code == 302, (response.status_code, response.content[:300])
        started = time.perf_counter()
        verify()
        verify_seconds += time.perf_counter() - started
    portico_rate = n / sign_in_seconds
    argon_rate = n / verify_seconds

    who = "portal" if portal else "staff"
    print(f"per {who} sign-in: {len(statements)} SQL statements, {commits} explicit commits")
    print(f"pure Argon2id verify  : {argon_rate:8.1f} /s")
    print(f"Portico {who} sign-in: {portico_rate:8.1f} /s")
    print(f"ratio sign-in / verify: {portico_rate / argon_rate:.2f}  (goal >= 0.90)")


if __name__ == "__main__":
    main()
