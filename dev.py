#!/usr/bin/env python3
"""Portico's two commands, for a fresh machine with nothing but Python 3.12+.

    python3 dev.py run     # install, migrate, seed a demo practice, run web + worker
    python3 dev.py test    # install, lint, type-check, run the suite on SQLite and PostgreSQL
    python3 dev.py lint    # install, then ruff and mypy only

Standard library only: this file is what installs everything else. It keeps the
project's virtual environment in .venv, puts the pinned uv into it with pip and
lets uv install exactly what uv.lock says.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 12):  # noqa: UP036 (this check is for people running older Pythons)
    sys.exit(
        "Portico needs Python 3.12 or newer; this is Python "
        + ".".join(str(part) for part in sys.version_info[:3])
        + ". Run it with python3.12 (or newer), e.g. `python3.12 dev.py run`."
    )

import argparse
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import venv
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
UV_VERSION = "0.13.8"
DEFAULT_TEST_DATABASE_URL = "postgres://root@127.0.0.1:5432/portico"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


class Failed(Exception):
    """A step failed; the message says which and what to do."""


# --- output --------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, flush=True)


def step(title: str) -> None:
    say(f"\n==> {title}")


# --- install -------------------------------------------------------------------------


def install() -> None:
    """Make .venv match uv.lock. Quiet when there is nothing to do."""
    ensure_venv()
    ensure_uv()
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)}
    # --python pins uv to the interpreter of .venv, so it never replaces the
    # environment it is itself installed in.
    command = [str(BIN / "uv"), "sync", "--locked", "--quiet", "--python", str(PYTHON)]
    if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
        raise Failed(
            "`uv sync --locked` failed. If you changed pyproject.toml, run "
            "`.venv/bin/uv lock` and commit uv.lock."
        )
    # The translation catalogues (.po in the repository, .mo compiled here, not committed).
    if subprocess.run([str(PYTHON), "-m", "portico.lib.catalogues"], cwd=ROOT).returncode != 0:
        raise Failed("Compiling the translation catalogues failed (see the error above).")


def ensure_venv() -> None:
    if PYTHON.exists() and venv_python_is_recent():
        return
    if VENV.exists():
        say(f"Recreating {VENV} (its Python is missing or older than 3.12).")
        shutil.rmtree(VENV)
    say(f"Creating {VENV} with Python {sys.version.split()[0]} ...")
    try:
        venv.create(VENV, with_pip=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        shutil.rmtree(VENV, ignore_errors=True)
        raise Failed(
            f"Could not create {VENV} ({exc}). On Debian/Ubuntu install the venv module: "
            "apt-get install python3-venv"
        ) from None


def venv_python_is_recent() -> bool:
    probe = "import sys; sys.exit(sys.version_info < (3, 12))"
    return subprocess.run([str(PYTHON), "-c", probe]).returncode == 0


def ensure_uv() -> None:
    uv = BIN / "uv"
    if uv.exists():
        found = subprocess.run([str(uv), "--version"], capture_output=True, text=True)
        if found.stdout.split()[1:2] == [UV_VERSION]:
            return
    say(f"Installing uv {UV_VERSION} into {VENV} ...")
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"]
    result = subprocess.run(pip, capture_output=True, text=True)
    if result.returncode != 0:
        say(result.stdout + result.stderr)
        raise Failed(f"pip could not install uv=={UV_VERSION} (output above).")


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env)
    if result.returncode != 0:
        raise Failed(f"manage.py {' '.join(args)} failed (exit code {result.returncode}).")


# --- run -----------------------------------------------------------------------------


def run(port: int, *, reload: bool = False) -> int:
    install()
    env = run_environment(port)
    ensure_port_free(port)
    step("Preparing the database (SQLite unless DATABASE_URL is set)")
    manage("migrate", "--verbosity", "0", env=env)
    manage("createcachetable", "--verbosity", "0", env=env)
    demo = subprocess.run(
        [str(PYTHON), "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if demo.returncode != 0:
        say(demo.stdout + demo.stderr)
        raise Failed("manage.py seed_demo failed (output above).")
    step(f"Starting the task worker and the web server on port {port}")
    return serve(port, env, details=demo.stdout, reload=reload)


def run_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PORTICO_DEBUG", "true")
    # Links in emails are built from the base URL, so it must name this port.
    env.setdefault("PORTICO_BASE_URL", f"http://localhost:{port}")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise Failed(
                f"Port {port} is already in use. Stop what uses it, or pick another port: "
                f"python3 dev.py run --port {port + 1}"
            ) from None


def serve(port: int, env: dict[str, str], *, details: str, reload: bool = False) -> int:
    """Run the web server, one worker and the recurring jobs; stop all on Ctrl-C.

    No file watching by default: without watchman, Django's reloader (which
    django-tasks-db's db_worker turns on unless told --no-reload) stats every module
    each second, 1.5-5 % of a core per process while nothing happens
    (bench/idle_cost.py). Restart to pick
    up code changes, or ask for the web server's reloader with --reload.
    """
    worker = start([str(PYTHON), "manage.py", "db_worker", "--no-reload"], env)
    periodic = start([str(PYTHON), "manage.py", "periodic"], env)
    web_reload = [] if reload else ["--noreload"]
    web = start([str(PYTHON), "manage.py", "runserver", *web_reload, f"127.0.0.1:{port}"], env)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        if wait_until_serving(port, web):
            say("\n" + details.rstrip())
            say(
                "\nPortico is running. Press Ctrl-C to stop the web server, the worker "
                "and the recurring jobs."
                + ("\n" if reload else " Restart it to pick up code changes.\n")
            )
        while web.poll() is None and worker.poll() is None and periodic.poll() is None:
            time.sleep(0.5)
        if worker.poll() is not None:
            say(f"The task worker stopped (exit code {worker.returncode}); stopping Portico.")
        if periodic.poll() is not None:
            say(f"The recurring jobs stopped (exit code {periodic.returncode}); stopping Portico.")
    except KeyboardInterrupt:
        say("\nStopping Portico ...")
    finally:
        stop(web, signal.SIGINT)
        stop(worker, signal.SIGTERM)
        stop(periodic, signal.SIGTERM)
    return 0 if web.returncode in (0, -signal.SIGINT, -signal.SIGTERM) else 1


def start(command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Each child leads its own process group, so stopping it also stops the
    # autoreloader's grandchild.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def wait_until_serving(port: int, web: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return True
        except OSError:
            time.sleep(0.3)
    return False


# --- test ----------------------------------------------------------------------------


def test(pytest_args: list[str]) -> int:
    install()
    started = time.monotonic()
    timings: list[tuple[str, float]] = []
    failures: list[str] = []

    def timed(title: str, command: list[str], env: dict[str, str] | None = None) -> int:
        step(title)
        begun = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        timings.append((title, time.monotonic() - begun))
        return code

    for title, command in lint_commands():
        if timed(title, command) != 0:
            failures.append(title)

    browsers_ok = ensure_chromium()
    title = "pytest on SQLite" + ("" if browsers_ok else " (browser tests skipped)")
    code = timed(title, pytest_command(pytest_args), test_environment(None))
    if code != 0:
        failures.append(f"{title} (exit code {code}{', no tests ran' if code == 5 else ''})")

    database_url = os.environ.get("PORTICO_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)
    if postgres_reachable(database_url):
        # The stack test brings its own PostgreSQL: it ran once, in the SQLite pass.
        title = "pytest on PostgreSQL (browser and stack tests ran on SQLite)"
        command = pytest_command(["-m", "not browser and not stack", *pytest_args])
        code = timed(title, command, test_environment(database_url))
        # Exit code 5 (nothing selected) is fine when the caller chose only browser tests.
        if code != 0 and not (code == 5 and pytest_args):
            failures.append(f"{title} (exit code {code})")
    elif IN_CI:
        failures.append(f"PostgreSQL not reachable at {redact(database_url)} (CI=true needs it)")
        say(f"\nPostgreSQL not reachable at {redact(database_url)}: CI=true requires it.")
    else:
        say(
            f"\nPostgreSQL not reachable at {redact(database_url)}; PostgreSQL runs skipped. "
            "Start one there or set PORTICO_TEST_DATABASE_URL."
        )

    report(timings, failures, time.monotonic() - started)
    return 1 if failures else 0


def lint_commands() -> list[tuple[str, list[str]]]:
    return [
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy", [str(BIN / "mypy"), "."]),
    ]


def pytest_command(args: list[str]) -> list[str]:
    command = [str(PYTHON), "-m", "pytest"]
    if wants_parallel(args):
        # One process per core (live_server and the test databases are per worker).
        command += ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]
    return [*command, *args]


def wants_parallel(args: list[str]) -> bool:
    if (os.cpu_count() or 1) < 2 or os.environ.get("PORTICO_TEST_WORKERS") == "1":
        return False
    serial_flags = {"-n", "--numprocesses", "--pdb", "--trace", "-s", "--capture=no"}
    return not any(arg in serial_flags or arg.startswith("-n") for arg in args)


def test_environment(database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PORTICO_TESTING"] = "true"
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def ensure_chromium() -> bool:
    """True when the browser tests can run. Under CI, install Debian's chromium if missing."""
    if CHROMIUM.exists():
        return True
    if not IN_CI:
        say(f"\n{CHROMIUM} is not installed: browser tests skipped (apt-get install chromium).")
        return False
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Failed(f"CI=true and {CHROMIUM} is missing, and apt-get cannot run here as root.")
    step("Installing Debian's chromium for the browser tests")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        if subprocess.run(command, env=apt_env).returncode != 0:
            raise Failed(f"`{' '.join(command)}` failed; the browser tests cannot run.")
    return True


def postgres_reachable(database_url: str) -> bool:
    parts = urlsplit(database_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 3):
            return True
    except OSError:
        return False


def redact(database_url: str) -> str:
    parts = urlsplit(database_url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return database_url


def report(timings: list[tuple[str, float]], failures: list[str], total: float) -> None:
    step("Summary")
    for title, seconds in timings:
        say(f"  {seconds:6.1f} s  {title}")
    say(f"  {total:6.1f} s  total")
    if failures:
        say("\nFAILED:\n" + "\n".join(f"  - {failure}" for failure in failures))
    else:
        say("\nAll checks passed.")


def lint() -> int:
    install()
    failed = [title for title, command in lint_commands() if run_step(title, command) != 0]
    return 1 if failed else 0


def run_step(title: str, command: list[str]) -> int:
    step(title)
    return subprocess.run(command, cwd=ROOT).returncode


# --- command line ----------------------------------------------------------------------


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python3 dev.py", description=(__doc__ or "").split("\n\n")[0], allow_abbrev=False
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="install and run Portico with a demo practice")
    run_parser.add_argument("--port", type=int, default=8000, help="web server port (8000)")
    run_parser.add_argument(
        "--reload",
        action="store_true",
        help="restart the web server when code changes (polls files: about 1.5%% of a core)",
    )
    commands.add_parser(
        "test",
        help="install and run the whole suite; extra arguments go to pytest",
        add_help=False,
    )
    commands.add_parser("lint", help="install and run ruff and mypy")
    return parser.parse_known_args(argv)


def main(argv: list[str]) -> int:
    options, extra = parse(argv)
    if extra and options.command != "test":
        sys.exit(f"Unknown arguments for `{options.command}`: {' '.join(extra)}")
    try:
        if options.command == "run":
            return run(options.port, reload=options.reload)
        if options.command == "test":
            return test(extra)
        return lint()
    except Failed as exc:
        say(f"\nError: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
