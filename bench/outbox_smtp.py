"""Outbox → worker → SMTP throughput, as a ratio to raw smtplib against the same server.

    .venv/bin/python bench/outbox_smtp.py [N]

Starts aiosmtpd on 127.0.0.1, sends N messages with raw smtplib over one
connection, then queues N emails with queue_email and lets the database worker
(django-tasks-db, run in this process as ``db_worker --batch`` would) deliver
them over SMTP. BENCH_ROUNDS rounds (default 3) alternate the two sides; prints
each round, the median rates and the median ratio (goal: >= 0.70). Uses a fresh
SQLite database in a temporary directory, or DATABASE_URL if set (its task
queue should hold nothing else: the worker runs every ready task).
BENCH_PROFILE=cumulative (or tottime) prints a cProfile of the last round's
worker part (BENCH_PROFILE_LINES lines).
"""

from __future__ import annotations

import email.policy
import email.utils
import os
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(counter: Counter, n: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while counter.count < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {counter.count} of {n} messages arrived")
        time.sleep(0.001)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    port = free_port()
    os.environ.setdefault("PORTICO_DATA_DIR", tempfile.mkdtemp(prefix="portico-bench-"))
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portico.settings")
    os.environ.setdefault("PORTICO_LOG_LEVEL", "ERROR")

    import django

    django.setup()
    import logging

    # aiosmtpd logs every SMTP command at INFO: that would slow both sides alike.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.management.commands.db_worker import Worker

    from portico.mail.models import EmailKind, OutboundEmail
    from portico.mail.outbox import from_address, new_message_id, queue_email, reply_to
    from portico.practices.actions import create_practice

    call_command("migrate", verbosity=0)
    # A fresh slug each run: DATABASE_URL may point at a database used before.
    practice, _owner = create_practice(
        slug=f"bench-{uuid.uuid4().hex[:8]}",
        name="Bench Counseling",
        owner_email="owner@bench.test",
        owner_first_name="Olive",
        owner_last_name="Owner",
        owner_password="correct horse battery staple",
    )
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()

    def context(i: int) -> dict[str, Any]:
        return {
            "greeting_name": f"Client {i}",
            "link": f"https://bench.example/accept/{i:040d}",
            "link_expires": timezone.now(),
        }

    # The raw baseline sends the same messages: the same rendered subject and both
    # parts, the same headers (From, To, Reply-To, Date, Message-ID), built per
    # message with the standard library's email package (building is part of
    # sending, on both sides) and sent over one connection.
    with transaction.atomic():
        sample = queue_email(
            practice=practice, kind=EmailKind.INVITE, to="c@example.com", context=context(0)
        )
        transaction.set_rollback(True)
    sender = from_address(practice)
    replies = ", ".join(reply_to(practice))

    def raw_message(i: int) -> EmailMessage:
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = sample.subject
        message["From"] = sender
        message["To"] = f"client{i}@example.com"
        if replies:
            message["Reply-To"] = replies
        message["Date"] = email.utils.formatdate(localtime=False)
        message["Message-ID"] = new_message_id()
        message.set_content(sample.text_body)
        message.add_alternative(sample.html_body, subtype="html")
        return message

    def run_raw() -> float:
        counter.count = 0
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i in range(n):
                smtp.send_message(raw_message(i))
        wait_for(counter, n)
        return n / (time.perf_counter() - start)

    profiler = None

    def run_outbox(*, profile: bool = False) -> tuple[float, float]:
        nonlocal profiler
        counter.count = 0
        start_queue = time.perf_counter()
        for i in range(n):
            with transaction.atomic():
                queue_email(
                    practice=practice,
                    kind=EmailKind.INVITE,
                    to=f"client{i}@example.com",
                    context=context(i),
                )
        queue_rate = n / (time.perf_counter() - start_queue)
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="bench",
            excluded_queue_names=[],
        ).run()
        wait_for(counter, n)
        return n / (time.perf_counter() - start), queue_rate

    # The machine may be busy with other work: alternate the two sides and take
    # the median of the per-round ratios, so a slow moment hits both alike.
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    results: list[tuple[float, float, float]] = []
    for round_number in range(rounds):
        raw_rate = run_raw()
        profile = bool(os.environ.get("BENCH_PROFILE")) and round_number == rounds - 1
        outbox_rate, queue_rate = run_outbox(profile=profile)
        results.append((raw_rate, outbox_rate, queue_rate))
        print(
            f"round {round_number + 1}: raw {raw_rate:5.0f}/s  outbox {outbox_rate:5.0f}/s  "
            f"ratio {outbox_rate / raw_rate:.2f}",
            flush=True,
        )
    if profiler is not None:
        import pstats

        profiler.disable()
        order = os.environ.get("BENCH_PROFILE", "cumulative")
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "30"))
        pstats.Stats(profiler).sort_stats(order).print_stats(lines)
    controller.stop()
    sent = OutboundEmail.objects.filter(practice=practice, status="sent").count()
    assert sent == n * rounds, f"{sent} of {n * rounds} emails recorded as sent"

    ratios = sorted(outbox / raw for raw, outbox, _ in results)
    median = ratios[len(ratios) // 2]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database:                 {engine}")
    print(f"emails:                   {n} per round, {rounds} rounds")
    print(f"raw smtplib:              {statistics.median(r for r, _, _ in results):8.0f} emails/s")
    print(f"outbox -> worker -> SMTP: {statistics.median(o for _, o, _ in results):8.0f} emails/s")
    print(
        f"(queueing, not timed above: {statistics.median(q for _, _, q in results):.0f} "
        "emails/s, one transaction each)"
    )
    print(f"ratio (median of rounds): {median:8.2f}  (goal >= 0.70)")


if __name__ == "__main__":
    main()
