"""The production stack on one machine, started from the project's own files, and broken.

Everything runs in a temporary directory on its own ports, away from the machine's
shared PostgreSQL (:5432) and Redis (:6379): a PostgreSQL cluster made with ``initdb``,
a ``redis-server``, a local SMTP server (aiosmtpd, in this process) that counts
Message-IDs, Debian's nginx with a self-signed wildcard certificate for
``*.portico.test`` (deploy/nginx.conf), gunicorn processes (deploy/gunicorn.conf.py),
``manage.py db_worker`` processes and one ``manage.py periodic``.

Workers and the recurring jobs are watched like systemd's ``Restart=always`` would:
one that exits is started again (and counted). Every process leads its own process
group; ``Stack.close()`` kills each group and removes the directory, whatever happened.

Used by tests/stack/test_stack.py (short, in CI) and bench/stack.py (longer).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.mail.conftest import free_port
from tests.stack.parts import (
    BASE_DOMAIN,
    NGINX,
    PYTHON,
    ROOT,
    SECRET_KEY,
    VENV_BIN,
    CountingSMTP,
    Service,
    ensure_nginx,
    make_certificates,
    port_open,
    postgres_bin,
    wait_for,
)


@dataclass
class Stack:
    """Start with ``Stack.start()``; always ``close()`` (a context manager does)."""

    web_processes: int = 2
    web_workers: int = 2
    task_workers: int = 2
    practices: tuple[tuple[str, str], ...] = (
        ("lakeside", "Lakeside Therapy"),
        ("harbor", "Harbor Counseling"),
    )
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portico-stack-")))
    services: dict[str, Service] = field(default_factory=dict)
    events: list[tuple[float, str]] = field(default_factory=list)
    restarts: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root.chmod(0o755)  # PostgreSQL runs as its own user when we are root
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.run_dir = self.root / "run"
        self.run_dir.mkdir()
        self.run_dir.chmod(0o777)  # nginx's workers (nobody) write temporary files here
        self.pg_port, self.redis_port, self.smtp_port = free_port(), free_port(), free_port()
        self.https_port, self.http_port = free_port(), free_port()
        self.web_ports = [free_port() for _ in range(self.web_processes)]
        self.smtp = CountingSMTP()
        self._controller: Any = None
        self._watching = threading.Event()
        self._watcher: threading.Thread | None = None
        self.release = 1

    # --- life -----------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def note(self, what: str) -> None:
        self.events.append((time.monotonic(), what))

    def start(self) -> None:
        nginx = ensure_nginx()
        self.ca, cert, key = make_certificates(self.root)
        self.start_postgres()
        self.start_redis()
        self.start_smtp()
        self.env = self.environment()
        # collectstatic is a build step (it needs no database): beside migrate.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            static = pool.submit(
                self.timed, "collectstatic", self.manage, "collectstatic", "--noinput",
                "--verbosity", "0",
            )  # fmt: skip
            self.timed("migrate", self.manage, "migrate", "--verbosity", "0")
            caching = pool.submit(
                self.timed, "createcachetable", self.manage, "createcachetable", "--verbosity", "0"
            )
            self.timed("createpractice", self.setup_practices)
            static.result()
            caching.result()
        for index in range(self.web_processes):
            self.start_web(index)
        self.write_nginx_config(cert, key)
        self.add(
            Service(
                "nginx",
                [str(nginx), "-c", str(self.nginx_conf), "-g", "daemon off;"],
                dict(os.environ),
                self.logs / "nginx.log",
            )
        )
        for index in range(self.task_workers):
            self.add(self.worker_service(index))
        self.add(
            Service(
                "periodic",
                [str(PYTHON), "manage.py", "periodic"],
                self.env,
                self.logs / "periodic.log",
                restart=True,
            )
        )
        wait_for(lambda: port_open(self.https_port), timeout=20, what="nginx")
        for port in self.web_ports:
            wait_for(lambda port=port: self.web_healthy(port), timeout=60, what=f"gunicorn :{port}")
        self._watcher = threading.Thread(target=self._watch, name="stack-watch", daemon=True)
        self._watching.set()
        self._watcher.start()
        self.note("stack started")

    def close(self) -> None:
        self._watching.clear()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        for service in reversed(list(self.services.values())):
            with contextlib.suppress(Exception):
                service.stop(timeout=10)
        with contextlib.suppress(Exception):
            self.stop_redis()
        with contextlib.suppress(Exception):
            self.pg_ctl("stop", "-m", "immediate")
        if self._controller is not None:
            with contextlib.suppress(Exception):
                self._controller.stop()
        self._kill_leftover_postgres()
        # Every process's log, for reading after a failure (test-artifacts/ is not committed).
        kept = ROOT / "test-artifacts" / "stack-logs"
        shutil.rmtree(kept, ignore_errors=True)
        with contextlib.suppress(OSError):
            shutil.copytree(self.logs, kept)
        shutil.rmtree(self.root, ignore_errors=True)

    def timed(self, name: str, step: Any, *args: Any) -> Any:
        began = time.monotonic()
        try:
            return step(*args)
        finally:
            self.timings[name] = time.monotonic() - began

    def add(self, service: Service) -> Service:
        self.services[service.name] = service
        service.start()
        return service

    def _watch(self) -> None:
        """Start again whatever should run and exited (a supervisor's job)."""
        while self._watching.is_set():
            for service in list(self.services.values()):
                if service.restart and not service.stopping and not service.alive():
                    self.restarts[service.name] += 1
                    self.note(f"{service.name} exited; started again")
                    time.sleep(0.5)
                    service.start()
            time.sleep(0.2)

    # --- environment ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"https://{BASE_DOMAIN}:{self.https_port}"

    def practice_host(self, slug: str) -> str:
        return f"{slug}.{BASE_DOMAIN}"

    @property
    def database_url(self) -> str:
        return f"postgres://portico@127.0.0.1:{self.pg_port}/portico"

    def environment(self) -> dict[str, str]:
        """What the README's production section sets on every process."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PORTICO_", "DJANGO_")) and key not in ("DATABASE_URL",)
        }
        env.update(
            {
                "PORTICO_DEBUG": "false",
                "PORTICO_SECRET_KEY": SECRET_KEY,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "PORTICO_BASE_URL": self.base_url,
                "PORTICO_BASE_DOMAIN": BASE_DOMAIN,
                "PORTICO_BEHIND_PROXY": "true",
                "PORTICO_SSL_REDIRECT": "true",
                "PORTICO_HSTS_SECONDS": "31536000",
                "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
                "PORTICO_EMAIL_TIMEOUT": "10",
                "PORTICO_FROM_EMAIL": f"no-reply@{BASE_DOMAIN}",
                "PORTICO_DATA_DIR": str(self.root / "data"),
                "PORTICO_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def manage(
        self, *args: str, stdin: str | None = None, env_extra: dict[str, str] | None = None
    ) -> str:
        result = subprocess.run(  # noqa: S603
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env_extra or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params or None)
            return list(cursor.fetchall()) if cursor.description else []

    # --- PostgreSQL -----------------------------------------------------------------------

    def _pg_user(self) -> str | None:
        return "postgres" if os.geteuid() == 0 else None

    def pg_ctl(self, *args: str) -> None:
        command = [str(postgres_bin() / "pg_ctl"), "-D", str(self.pg_data), "-w", "-t", "60", *args]
        with (self.logs / "pg_ctl.log").open("ab") as out:
            subprocess.run(  # noqa: S603
                command, check=True, stdout=out, stderr=subprocess.STDOUT, user=self._pg_user()
            )

    def start_postgres(self) -> None:
        self.pg_data = self.root / "pg"
        self.pg_data.mkdir()
        socket_dir = self.root / "pgsock"
        socket_dir.mkdir()
        log = self.logs / "postgres.log"
        log.touch()
        if self._pg_user():
            for path in (self.pg_data, socket_dir, log):
                shutil.chown(path, user="postgres")
        with (self.logs / "initdb.log").open("ab") as out:
            subprocess.run(  # noqa: S603
                [
                    str(postgres_bin() / "initdb"),
                    "-D", str(self.pg_data),
                    "-U", "portico",
                    "--auth=trust",
                    "--no-sync",
                    "-E", "UTF8",
                    "--locale=C",
                ],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                user=self._pg_user(),
            )  # fmt: skip
        with (self.pg_data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.pg_port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{socket_dir}'\n"
                "max_connections = 100\n"
                "shared_buffers = 64MB\n"
                # A throwaway cluster: no flush to disk (the restarts here are clean
                # shutdowns, which lose nothing either way). Production keeps fsync on.
                "fsync = off\n"
                "full_page_writes = off\n"
                "logging_collector = off\n"
            )
        self.pg_ctl("start", "-l", str(log))
        self.sql_admin("CREATE DATABASE portico")

    def sql_admin(self, query: str) -> None:
        import psycopg

        url = f"postgres://portico@127.0.0.1:{self.pg_port}/postgres"
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(query)

    def restart_postgres(self) -> float:
        """``pg_ctl restart -m fast`` (what ``pg_ctlcluster ... restart`` does); seconds down."""
        began = time.monotonic()
        self.note("PostgreSQL restart begins")
        self.pg_ctl("restart", "-m", "fast", "-l", str(self.logs / "postgres.log"))
        took = time.monotonic() - began
        self.note("PostgreSQL restarted")
        return took

    def _kill_leftover_postgres(self) -> None:
        pid_file = getattr(self, "pg_data", self.root / "pg") / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, ProcessLookupError):
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)

    # --- Redis ------------------------------------------------------------------------------

    def start_redis(self) -> None:
        redis_dir = self.root / "redis"
        redis_dir.mkdir(exist_ok=True)
        self.redis = Service(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(redis_dir),
            ],
            dict(os.environ),
            self.logs / "redis.log",
        )  # fmt: skip
        self.redis.start()
        wait_for(lambda: port_open(self.redis_port), timeout=10, what="redis")

    def stop_redis(self) -> None:
        self.redis.stop(timeout=5)
        self.note("Redis stopped")

    def start_redis_again(self) -> None:
        self.redis.start()
        wait_for(lambda: port_open(self.redis_port), timeout=10, what="redis")
        self.note("Redis started again")

    # --- SMTP -----------------------------------------------------------------------------

    def start_smtp(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(self.smtp, hostname="127.0.0.1", port=self.smtp_port)
        self._controller.start()

    # --- practices ---------------------------------------------------------------------------

    def setup_practices(self) -> None:
        with concurrent.futures.ThreadPoolExecutor(len(self.practices)) as pool:
            for done in [pool.submit(self.create_practice, *p) for p in self.practices]:
                done.result()

    def create_practice(self, slug: str, name: str) -> None:
        self.manage(
            "createpractice",
            slug,
            name,
            "--owner-email", f"owner@{slug}.test",
            "--owner-first-name", "Olivia",
            "--owner-last-name", "Owner",
            "--owner-password-stdin",
            stdin=STAFF_PASSWORD + "\n",
        )  # fmt: skip

    # --- web --------------------------------------------------------------------------------

    def web_service(self, index: int) -> Service:
        env = {
            **self.env,
            "PORTICO_BIND": f"127.0.0.1:{self.web_ports[index]}",
            "PORTICO_WEB_WORKERS": str(self.web_workers),
        }
        return Service(
            f"web{index + 1}",
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "portico.wsgi"],
            env,
            self.logs / f"web{index + 1}.log",
        )  # fmt: skip

    def start_web(self, index: int) -> Service:
        return self.add(self.web_service(index))

    def web(self, index: int) -> Service:
        return self.services[f"web{index + 1}"]

    def web_healthy(self, port: int) -> bool:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        try:
            connection.request(
                "GET", "/healthz", headers={"Host": BASE_DOMAIN, "X-Forwarded-Proto": "https"}
            )
            return connection.getresponse().status == 200
        finally:
            connection.close()

    def write_nginx_config(self, cert: Path | None = None, key: Path | None = None,
                           down: frozenset[int] = frozenset()) -> None:  # fmt: skip
        self.nginx_conf = self.run_dir / "nginx.conf"
        if cert is not None and key is not None:
            self._tls = (cert, key)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s"
            + (" down" if index in down else "")
            + ";"
            for index, port in enumerate(self.web_ports)
        )
        template = (ROOT / "deploy" / "nginx.conf").read_text()
        values = {
            "run_dir": str(self.run_dir),
            "log_dir": str(self.logs),
            "upstream_servers": servers,
            "base_domain": BASE_DOMAIN,
            "http_listen": f"127.0.0.1:{self.http_port}",
            "https_listen": f"127.0.0.1:{self.https_port}",
            "certificate": str(self._tls[0]),
            "certificate_key": str(self._tls[1]),
        }
        for name, value in values.items():
            template = template.replace("{{ " + name + " }}", value)
        assert "{{" not in template, "a placeholder of deploy/nginx.conf was not filled in"
        self.nginx_conf.write_text(template)

    def reload_nginx(self, down: frozenset[int] = frozenset()) -> None:
        self.write_nginx_config(down=down)
        subprocess.run(  # noqa: S603
            [str(NGINX), "-c", str(self.nginx_conf), "-s", "reload"],
            check=True,
            capture_output=True,
        )
        time.sleep(0.5)  # the old nginx workers finish their requests and leave

    # --- workers ----------------------------------------------------------------------------

    def worker_service(self, index: int) -> Service:
        return Service(
            f"worker{index + 1}",
            [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--interval", "0.5",
             "--worker-id", f"stack-worker{index + 1}"],
            self.env,
            self.logs / f"worker{index + 1}.log",
            restart=True,
        )  # fmt: skip

    def workers(self) -> list[Service]:
        return [s for name, s in self.services.items() if name.startswith("worker")]

    def kill_and_restart(self, service: Service) -> None:
        """SIGKILL, then start again (the supervisor would, a moment later)."""
        service.kill()
        self.note(f"{service.name} killed")
        service.start()

    # --- the new release ------------------------------------------------------------------------

    def new_release(self) -> dict[str, float]:
        """Migrate, then restart each gunicorn in turn, out of nginx while it restarts;
        then the workers and the recurring jobs. Seconds each step took."""
        self.release += 1
        timings: dict[str, float] = {}
        began = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            caching = pool.submit(self.manage, "createcachetable", "--verbosity", "0")
            self.manage("migrate", "--verbosity", "0")
            caching.result()
        timings["migrate"] = time.monotonic() - began
        for index in range(self.web_processes):
            step = time.monotonic()
            self.reload_nginx(down=frozenset({index}))
            old = self.web(index)
            old.stop()
            self.start_web(index)
            port = self.web_ports[index]
            wait_for(lambda port=port: self.web_healthy(port), timeout=60, what=f"web{index + 1}")
            self.reload_nginx()
            timings[f"web{index + 1}"] = time.monotonic() - step
            self.note(f"web{index + 1} restarted with release {self.release}")
        for service in [*self.workers(), self.services["periodic"]]:
            service.stop()
            service.start()
        self.note(f"release {self.release} running")
        return timings


STAFF_PASSWORD = "stack staff password 2026"  # noqa: S105 (a test account's)


@contextlib.contextmanager
def running_stack(**options: Any) -> Iterator[Stack]:
    stack = Stack(**options)
    try:
        stack.start()
        yield stack
    finally:
        stack.close()
