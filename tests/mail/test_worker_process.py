"""A real ``manage.py db_worker`` process, killed in the middle of a batch, loses nothing.

Everything runs in subprocesses against a file SQLite database of its own (in a
temporary PORTICO_DATA_DIR), so the worker sees committed rows as it would in
production; the SMTP server is aiosmtpd in this process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mail.conftest import Inbox, SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
EMAILS = 200

QUEUE_EMAILS = f"""
from django.db import transaction
from portico.mail.models import EmailKind
from portico.mail.outbox import queue_email
from portico.practices.actions import create_practice

practice, _ = create_practice(
    slug="kill", name="Kill Test Counseling", owner_email="owner@kill.test",
    owner_first_name="Olive", owner_last_name="Owner",
    owner_password="correct horse battery staple",
)
with transaction.atomic():
    for i in range({EMAILS}):
        queue_email(
            practice=practice, kind=EmailKind.PASSWORD_CHANGED,
            to=f"client{{i}}@example.com", context={{"greeting_name": f"Client {{i}}"}},
        )
"""


class SlowInbox(Inbox):
    """Takes a little time per message, so the test can kill the worker mid-batch."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.inbox = SlowInbox()
    server.start()
    yield server
    server.stop()


def _env(data_dir: Path, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PORTICO_DATA_DIR=str(data_dir),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DJANGO_SETTINGS_MODULE="portico.settings",
        PORTICO_LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: float = 60) -> None:
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
    )


def _outbox(data_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(data_dir / "portico.sqlite3") as db:
        return db.execute(
            "SELECT to_address, message_id, status FROM mail_outboundemail"
        ).fetchall()


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(
    tmp_path: Path, slow_smtp_server: SmtpServer
) -> None:
    env = _env(tmp_path, slow_smtp_server.port)
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "shell", "--command", QUEUE_EMAILS)

    worker_command = [sys.executable, "manage.py", "db_worker", "--no-reload"]
    worker = subprocess.Popen(  # noqa: S603
        [*worker_command, "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while len(slow_smtp_server.inbox.message_ids()) < 30:
            assert time.monotonic() < deadline, "the worker sent nothing"
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    arrived_before_recovery = len(set(slow_smtp_server.inbox.message_ids()))
    assert arrived_before_recovery < EMAILS, "the worker finished before it could be killed"
    statuses = [status for _, _, status in _outbox(tmp_path)]
    assert "sending" in statuses, "the kill did not fall in the middle of a batch"

    # Recovery: the sweep gives back what the dead worker held, a worker finishes.
    _manage(env, "deliver_pending", "--stuck-after", "0")
    _manage(env, "db_worker", "--no-reload", "--batch", "--no-startup-delay", timeout=60)

    outbox = _outbox(tmp_path)
    assert len(outbox) == EMAILS
    assert {status for _, _, status in outbox} == {"sent"}
    received = slow_smtp_server.inbox.message_ids()
    assert set(received) == {message_id for _, message_id, _ in outbox}, "an email was lost"
    # A repeat (sent before the kill, recorded after it) carries the row's Message-ID.
    ids_by_recipient: dict[str, set[str]] = defaultdict(set)
    for message in slow_smtp_server.inbox.messages:
        ids_by_recipient[str(message["To"])].add(str(message["Message-ID"]))
    assert all(len(ids) == 1 for ids in ids_by_recipient.values())
    assert len(ids_by_recipient) == EMAILS
