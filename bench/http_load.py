"""HTTP under load: the production server, several people at once, measured with wrk.

    .venv/bin/python bench/http_load.py [--seconds 8] [--no-100k] [--port 8719]

Needs ``wrk`` (Debian: ``apt-get install wrk``), PostgreSQL on 127.0.0.1:5432 (as
``root``, or BENCH_PG_ADMIN_URL=postgres://user@host:port/postgres) and Redis on
127.0.0.1:6379. It creates the throwaway database ``portico_bench_http`` and drops it
at the end, and empties Redis database 15 before and after. Loopback only; every
step runs for a fixed time (``--seconds``), the whole run takes about 5 minutes.

The server is gunicorn with the README's production settings (PORTICO_DEBUG=false,
PostgreSQL, REDIS_URL, a fixed secret key, PORTICO_BEHIND_PROXY=true) and one sync
worker per core; PORTICO_LOCAL_MAILBOX=true keeps emails in the outbox instead of
needing an email server, and no worker sends them (the outbox rows are counted).

Steps, each at concurrency 1/2/4/8/16: portal sign-in (right passwords, a different
account each time, so neither the per-identifier back-off nor a wrong password plays
a part), the staff client list at 100 and 100 000 clients (``--no-100k`` skips the
large practice), the portal home, and "Forgot password?". Then sign-in alone and
sign-in beside a forgot-password flood (concurrency 16).

**Not like production:** the per-IP limits (20 sign-ins a minute from one address)
would refuse a load generator on 127.0.0.1. Here wrk sends ``X-Forwarded-For`` with
a random 127.x.y.z address per request and the server trusts it
(PORTICO_BEHIND_PROXY=true), as it trusts the proxy's last hop in production; so
every request counts against its own address. Production behind a real proxy gets
the client's real address there, and a direct client cannot choose it.

Prints req/s, p50/p95/p99 and errors (wrong status or socket errors) per step,
and the goals: sign-in at saturation ≥ 0.85 × cores × the pure Argon2id verify
rate measured in the same run; staff list p95 ≤ 150 ms at concurrency 4 on 100 000
clients; the flood slows sign-in by ≤ 10 % and queues no more emails than the
per-address limit allows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._setup import (  # noqa: E402 (after the path is set)
    argon2_verifier,
    portal_accounts,
    practice_with_clients,
)

DATABASE = "portico_bench_http"
REDIS_URL = "redis://127.0.0.1:6379/15"
PASSWORD = "a long bench password 2026"
CONCURRENCY = (1, 2, 4, 8, 16)
FLOOD_ADDRESSES = 5  # accounts whose "Forgot password?" is flooded

# One wrk script for every step: a request built per call from the lists below, the
# status each response must have, and a JSON summary on stdout at the end.
LUA = """
local method, path, ok_status = %(method)s, %(path)s, %(ok)d
local bodies, cookies = %(bodies)s, %(cookies)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  bad = 0
end
function request()
  local headers = {}
  -- A different client address per request (see "Not like production" in http_load.py).
  headers["X-Forwarded-For"] = "127." .. math.random(0, 255) .. "." .. math.random(0, 255)
    .. "." .. math.random(1, 254)
  if #cookies > 0 then headers["Cookie"] = cookies[math.random(#cookies)] end
  local body = nil
  if #bodies > 0 then
    body = bodies[math.random(#bodies)]
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(method, path, headers, body)
end
function response(status, headers, body)
  if status ~= ok_status then bad = bad + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "micros": %%d, "p50": %%d, "p95": %%d, "p99": %%d, '
    .. '"wrong_status": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), wrong, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_list(items: list[str]) -> str:
    return "{" + ", ".join(json.dumps(item) for item in items) + "}"


class Step:
    def __init__(
        self, name: str, path: str, *, ok: int, bodies: list[str], cookies: list[str]
    ) -> None:
        self.name, self.path, self.ok = name, path, ok
        self.method = "POST" if bodies else "GET"
        self.script = Path(tempfile.mkstemp(prefix="portico-wrk-", suffix=".lua")[1])
        self.script.write_text(
            LUA
            % {
                "method": json.dumps(self.method),
                "path": json.dumps(path),
                "ok": ok,
                "bodies": lua_list(bodies),
                "cookies": lua_list(cookies),
            }
        )

    def start(self, base: str, concurrency: int, seconds: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{concurrency}",
                f"-d{round(seconds)}s",
                "--timeout",
                "30s",
                "-s",
                str(self.script),
                base,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self, base: str, concurrency: int, seconds: int) -> dict[str, Any]:
        return finish(self.start(base, concurrency, seconds))


def finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    output, _ = process.communicate(timeout=120)
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{output}")
    result: dict[str, Any] = json.loads(match[1])
    result["rate"] = result["requests"] / (result["micros"] / 1e6)
    result["errors"] = result["wrong_status"] + result["socket_errors"]
    return result


def show(name: str, concurrency: int, r: dict[str, Any]) -> None:
    print(
        f"{name:<22} c={concurrency:<3} {r['rate']:7.1f} req/s   p50 {r['p50'] / 1000:7.1f} ms"
        f"   p95 {r['p95'] / 1000:7.1f} ms   p99 {r['p99'] / 1000:7.1f} ms"
        f"   errors {r['errors']} ({r['requests']} requests)",
        flush=True,
    )


def fetch(url: str, *, cookie: str = "") -> tuple[str, SimpleCookie]:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": "127.0.0.2"})  # noqa: S310
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return response.read().decode(), cookies


def verify_rate_for(seconds: float) -> float:
    """Bare Argon2id verifications per second on one core, over ``seconds``."""
    verify = argon2_verifier(PASSWORD)
    verify()
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        verify()
        count += 1
    return count / (time.perf_counter() - began)


def settle(base: str) -> None:
    """Wait until the requests a finished step left queued are served (a quick /healthz)."""
    for _ in range(300):
        began = time.perf_counter()
        fetch(base + "/healthz")
        if time.perf_counter() - began < 0.1:
            return
        time.sleep(0.1)


def csrf_pair(url: str) -> tuple[str, str]:
    """(the csrftoken cookie header, the form token) from a GET of a form page."""
    page, cookies = fetch(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token and "csrftoken" in cookies, "no CSRF token on " + url
    return f"csrftoken={cookies['csrftoken'].value}", token[1]


def session_cookie(user: Any) -> str:
    """A signed-in session for ``user`` (Django's test client, same database), as a header."""
    from django.conf import settings
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"


def psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each step")
    parser.add_argument("--no-100k", action="store_true", help="skip the 100 000-client step")
    parser.add_argument("--port", type=int, default=8719)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk (Debian/Ubuntu).")
    cores = os.cpu_count() or 1
    admin_url = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://root@127.0.0.1:5432/postgres")
    database_url = admin_url.rsplit("/", 1)[0] + "/" + DATABASE
    base = f"http://127.0.0.1:{args.port}"
    env = {
        "DJANGO_SETTINGS_MODULE": "portico.settings",
        "PORTICO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "PORTICO_LOCAL_MAILBOX": "true",
        "PORTICO_BASE_URL": base,
        "PORTICO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "PORTICO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnop",
        "PORTICO_BEHIND_PROXY": "true",
        "PORTICO_LOG_LEVEL": "ERROR",
        "PORTICO_DATA_DIR": tempfile.mkdtemp(prefix="portico-bench-http-"),
    }
    os.environ.update(env)
    psql(admin_url, f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(admin_url, f"CREATE DATABASE {DATABASE}")
    servers: list[subprocess.Popen[bytes]] = []
    try:
        import django
        from django.core.cache import cache
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        cache.clear()
        run_bench(args, env, base, cores, servers)
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        from django.core.cache import cache
        from django.db import connections

        cache.clear()
        connections.close_all()
        psql(admin_url, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def run_bench(
    args: argparse.Namespace,
    env: dict[str, str],
    base: str,
    cores: int,
    servers: list[subprocess.Popen[bytes]],
) -> None:
    """Seed, start gunicorn (appended to ``servers``, for the caller to stop), measure."""
    from portico.accounts.models import User
    from portico.lib.urls import practice_path
    from portico.mail.models import OutboundEmail

    started = time.monotonic()
    small, _http = practice_with_clients("small", 100, lambda i: (f"Ana{i}", f"Small{i}"))
    usernames = portal_accounts(small, 3000, password=PASSWORD)
    flooded, signers = usernames[:FLOOD_ADDRESSES], usernames[FLOOD_ADDRESSES:]
    large_desk = None
    if not args.no_100k:
        _large, large_desk = practice_with_clients(
            "large", 100_000, lambda i: (f"Ben{i % 5000}", f"Large{i}")
        )
    print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)

    def url(slug: str, name: str) -> str:
        return f"/p/{slug}{practice_path(name)}"

    staff = [session_cookie(User.objects.get(email="desk@small.test"))]
    staff_large = [session_cookie(User.objects.get(email="desk@large.test"))] if large_desk else []
    portal = [session_cookie(User.objects.get(username=name)) for name in signers[:50]]

    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portico.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(cores),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    servers.append(server)
    for _ in range(100):
        try:
            fetch(base + "/healthz")
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    else:
        raise RuntimeError("gunicorn did not answer /healthz")

    csrf_cookie, token = csrf_pair(base + url("small", "portal:sign_in"))
    sign_in = Step(
        "portal sign-in",
        url("small", "portal:sign_in"),
        ok=302,
        bodies=[
            urlencode({"csrfmiddlewaretoken": token, "identifier": name, "password": PASSWORD})
            for name in signers
        ],
        cookies=[csrf_cookie],
    )
    forgot = Step(
        "forgot password",
        url("small", "portal:forgot_password"),
        ok=200,
        bodies=[urlencode({"csrfmiddlewaretoken": token, "identifier": name}) for name in flooded],
        cookies=[csrf_cookie],
    )
    steps = [
        sign_in,
        Step("staff list, 100", url("small", "clients:list"), ok=200, bodies=[], cookies=staff),
    ]
    if staff_large:
        steps.append(
            Step(
                "staff list, 100 000",
                url("large", "clients:list"),
                ok=200,
                bodies=[],
                cookies=staff_large,
            )
        )
    steps += [
        Step("portal home", url("small", "portal:home"), ok=200, bodies=[], cookies=portal),
        forgot,
    ]
    for step in steps:  # warm every worker: imports, templates, connections
        step.run(base, cores, 1)

    verify_rate = verify_rate_for(3)
    limit = cores * verify_rate
    # The same hashing in ``cores`` processes at once: what the machine gives right now
    # (on a machine shared with other work, less than cores x one core's rate).
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        parallel_limit = sum(pool.map(verify_rate_for, [3] * cores))
    print(
        f"\ngunicorn: {cores} sync workers; pure Argon2id verify {verify_rate:.1f}/s on one core,"
        f" limit {cores} x {verify_rate:.1f} = {limit:.1f} sign-ins/s;"
        f" {cores} processes hashing at once: {parallel_limit:.1f}/s"
    )
    print(
        "NOTE: each request carries X-Forwarded-For 127.x.y.z (random) and the server trusts"
        " it (PORTICO_BEHIND_PROXY=true), so the per-IP limits do not refuse the load"
        " generator; production sees the real client address there.\n",
        flush=True,
    )
    emails_before = OutboundEmail.objects.count()
    results: dict[tuple[str, int], dict[str, Any]] = {}
    ratios: dict[int, float] = {}
    for step in steps:
        for concurrency in CONCURRENCY:
            settle(base)
            results[step.name, concurrency] = step.run(base, concurrency, args.seconds)
            show(step.name, concurrency, results[step.name, concurrency])
            if step is sign_in:
                # The machine's load changes from minute to minute: the limit is measured
                # right after each sign-in step too, and the step compared with it.
                beside_rate = verify_rate_for(2)
                ratios[concurrency] = results[step.name, concurrency]["rate"] / (
                    cores * beside_rate
                )
                print(
                    f"{'':<22}       Argon2id just after: {beside_rate:.1f}/s on one core;"
                    f" sign-in = {ratios[concurrency]:.2f} x (cores x that)",
                    flush=True,
                )

    # The flood: sign-in alone, then with 16 forgot-password requests at a time beside it.
    flood_c = 2 * cores
    settle(base)
    alone = sign_in.run(base, flood_c, args.seconds)
    show("sign-in alone", flood_c, alone)
    flood_process = forgot.start(base, 16, args.seconds + 2)
    time.sleep(1)
    beside = sign_in.run(base, flood_c, args.seconds)
    flood = finish(flood_process)
    show("sign-in beside flood", flood_c, beside)
    show("forgot-password flood", 16, flood)
    # The requests only enqueue; the worker looks the accounts up and queues the emails.
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    emails = OutboundEmail.objects.count() - emails_before

    from portico.access.limits import SELF_SERVICE_HOURLY_LIMIT

    allowed = SELF_SERVICE_HOURLY_LIMIT * FLOOD_ADDRESSES
    best = max(results["portal sign-in", c]["rate"] for c in CONCURRENCY)
    sign_in_errors = sum(results["portal sign-in", c]["errors"] for c in CONCURRENCY)
    slowdown = 1 - beside["rate"] / max(alone["rate"], 1e-9)
    forgot_total = sum(results["forgot password", c]["requests"] for c in CONCURRENCY)
    print("\nGoals")
    print(
        f"  sign-in at saturation: {best:.1f}/s = {best / limit:.2f} x (cores x Argon2id)"
        f"  (goal >= 0.85), errors {sign_in_errors} (goal 0);"
        f" {best / parallel_limit:.2f} x what {cores} hashing processes reached in this run;"
        f" against the rate measured beside each step: best {max(ratios.values()):.2f},"
        f" at c=16 {ratios[16]:.2f}"
    )
    if staff_large:
        p95 = results["staff list, 100 000", 4]["p95"] / 1000
        print(f"  staff list p95 at c=4, 100 000 clients: {p95:.0f} ms  (goal <= 150 ms)")
    print(
        f"  sign-in slowed by the forgot-password flood: {slowdown * 100:.0f} %"
        f" ({alone['rate']:.1f} -> {beside['rate']:.1f}/s; goal <= 10 %)"
    )
    print(
        f"  emails queued by {forgot_total + flood['requests']} forgot-password requests to"
        f" {FLOOD_ADDRESSES} accounts: {emails} (limit {allowed}:"
        f" {SELF_SERVICE_HOURLY_LIMIT} an hour each)"
    )
    print(
        f"\nwhole run {time.monotonic() - started:.0f} s; median p95 over all steps "
        f"{statistics.median(r['p95'] for r in results.values()) / 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
