"""manage.py doctor: is this installation healthy? One plain sentence per problem.

    manage.py doctor          # exit 0 when everything is fine, 1 when something is not

Checks, in order: the database answers and has every migration; the cache keeps
a value; the task queue is being worked (no task ready for more than
``TASK_WAIT``); ``manage.py periodic`` ran recently; no email has waited in the
outbox for more than ``OUTBOX_WAIT``; email can leave (an SMTP server that
answers, an email service with its webhook secret, or the local mailbox only in
development). ``/healthz`` stays what it is: one database round trip for the load
balancer; this command is for the operator.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache, caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portico.lib.cache import RedisCacheWithDatabaseFallback
from portico.mail.models import EmailStatus, OutboundEmail
from portico.operations.management.commands.periodic import HEARTBEAT_KEY

TASK_WAIT = timedelta(minutes=5)
OUTBOX_WAIT = timedelta(minutes=15)
PERIODIC_SILENCE = timedelta(minutes=5)

# A check returns "" when all is well, else the problem in one sentence.
Check = Callable[[], str]


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 (any failure is the answer)
        return f"The database does not answer ({type(error).__name__}): check DATABASE_URL."
    executor = MigrationExecutor(connection)
    waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if waiting:
        return (
            f"{len(waiting)} database migration(s) have not been applied: "
            "run `manage.py migrate` before starting web processes and workers."
        )
    return ""


def cache_works() -> str:
    backend = caches["default"]
    if isinstance(backend, RedisCacheWithDatabaseFallback) and not backend.ping():
        return (
            "Redis (REDIS_URL) cannot be reached: the database cache stands in for it "
            "(rate limits still count), but start Redis again."
        )
    key = f"portico:doctor:{time.time_ns()}"
    try:
        cache.set(key, "ok", timeout=30)
        kept = cache.get(key)
        cache.delete(key)
    except Exception as error:  # noqa: BLE001
        where = "REDIS_URL" if settings.REDIS_URL else "the database cache table"
        return (
            f"The cache does not work ({type(error).__name__}): check {where} "
            "(`manage.py createcachetable` creates the table)."
        )
    if kept != "ok":
        return "The cache does not keep values: rate limits cannot count. Check REDIS_URL."
    return ""


def task_queue() -> str:
    from django_tasks_db.models import DBTaskResult

    late = timezone.now() - TASK_WAIT
    waiting = DBTaskResult.objects.filter(status="READY", run_after__lte=late).count()
    if waiting:
        return (
            f"{waiting} background task(s) have been ready for more than "
            f"{int(TASK_WAIT.total_seconds() // 60)} minutes: is `manage.py db_worker` running?"
        )
    return ""


def periodic_jobs() -> str:
    last = cache.get(HEARTBEAT_KEY)
    if last is None:
        return (
            "`manage.py periodic` has never reported: run one beside the workers "
            "(or `manage.py periodic --once` from cron every minute)."
        )
    silent = time.time() - float(last)
    if silent > PERIODIC_SILENCE.total_seconds():
        return (
            f"`manage.py periodic` last ran {int(silent // 60)} minutes ago: stuck emails, "
            "reminders and stalled imports wait until it runs again."
        )
    return ""


def outbox() -> str:
    late = timezone.now() - OUTBOX_WAIT
    stuck = OutboundEmail.objects.filter(
        status__in=[EmailStatus.QUEUED, EmailStatus.DEFERRED], created_at__lte=late
    )
    count = stuck.count()
    if count:
        oldest = stuck.order_by("created_at").values_list("created_at", flat=True).first()
        minutes = int((timezone.now() - oldest).total_seconds() // 60) if oldest else 0
        return (
            f"{count} email(s) have waited in the outbox for more than "
            f"{int(OUTBOX_WAIT.total_seconds() // 60)} minutes (the oldest {minutes} minutes): "
            "check the workers and Email activity for the last error."
        )
    return ""


def email() -> str:
    if settings.EMAIL_SERVICE:
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            return (
                "PORTICO_WEBHOOK_SECRET is not set: the email service's delivery and "
                "bounce reports cannot reach Portico."
            )
        return ""
    if settings.EMAIL_URL:
        parts = urlsplit(settings.EMAIL_URL)
        host, port = parts.hostname or "", parts.port or _default_port(parts.scheme)
        try:
            smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
            with smtp_class(host, port, timeout=10) as server:
                if parts.scheme == "smtp+tls":
                    server.starttls()
                if parts.username:
                    server.login(unquote(parts.username), unquote(parts.password or ""))
        except (OSError, smtplib.SMTPException) as error:
            return (
                f"The SMTP server {host}:{port} from EMAIL_URL does not accept us "
                f"({type(error).__name__}): emails stay in the outbox."
            )
        return ""
    if not settings.DEBUG and not settings.LOCAL_MAILBOX_STAFF_ONLY:
        return "No way to send email: set EMAIL_URL or PORTICO_EMAIL_SERVICE."
    return ""


def _default_port(scheme: str) -> int:
    return {"smtps": 465, "smtp+tls": 587}.get(scheme, 25)


CHECKS: list[tuple[str, Check]] = [
    ("database", database),
    ("cache", cache_works),
    ("task queue", task_queue),
    ("recurring jobs", periodic_jobs),
    ("outbox", outbox),
    ("email", email),
]


class Command(BaseCommand):
    help = "Check the database, cache, workers, recurring jobs, outbox and email settings."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        for name, check in CHECKS:
            problem = check()
            if problem:
                problems.append(problem)
                self.stdout.write(f"✗ {name}: {problem}")
            else:
                self.stdout.write(f"✓ {name}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.", returncode=1)
        self.stdout.write("Everything looks fine.")
