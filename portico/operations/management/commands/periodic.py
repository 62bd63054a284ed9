"""The recurring jobs of every practice, in one long-running process.

    manage.py periodic            # loop forever (run one beside the workers)
    manage.py periodic --once     # run each job once (for cron)

- every minute: give stuck or orphaned outbox emails back to the workers
  (``portico.mail.delivery.recover_stuck_emails``), and the same for webhook
  deliveries (``portico.webhooks.delivery.recover_stuck_webhooks``);
- every minute: queue the appointment reminders that are due at each practice's
  lead time (``portico.appointments.reminders.send_due_reminders``; each is claimed
  once through ``reminder_sent_at``);
- every five minutes: enqueue again a bulk invitation whose worker died
  (``portico.access.bulk.resume_stalled_bulk_invites``; resuming never invites
  anyone twice), and a client import whose worker died
  (``portico.imports.running.resume_stalled_imports``; no row is imported twice);
- every hour: open coming-of-age reviews for clients who reached the age of
  majority today in their practice's time zone
  (``portico.clients.minors.find_clients_coming_of_age``; idempotent, so running
  it hourly also catches the practices whose day has just begun).
- every hour: delete the API's stored answers to Idempotency-Keys after 24 hours
  (``portico.api.idempotency.forget_old_requests``), and the passkey challenges past
  their 5 minutes (``portico.passkeys.ceremony.forget_expired_challenges``).
- every hour: from Monday 08:00 in each practice's time zone, email its owners and
  administrators the week's count of people who cannot sign in, once a week
  (``portico.problems.summary.send_weekly_access_summaries``; claimed once per week).

Every job is safe to run from several hosts at once; one instance is enough.
After each round it leaves a heartbeat in the cache, which ``manage.py doctor``
reads to tell whether the recurring jobs are running.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from portico.access.bulk import resume_stalled_bulk_invites
from portico.api.idempotency import forget_old_requests
from portico.appointments.reminders import send_due_reminders
from portico.clients.minors import find_clients_coming_of_age
from portico.imports.running import resume_stalled_imports
from portico.mail.delivery import recover_stuck_emails
from portico.operations.abandoned import close_abandoned_tasks
from portico.passkeys.ceremony import forget_expired_challenges
from portico.problems.summary import send_weekly_access_summaries
from portico.webhooks.delivery import recover_stuck_webhooks


def _sweep_outbox() -> str:
    return f"{recover_stuck_emails()} emails given back to the workers"


def _sweep_webhooks() -> str:
    return f"{recover_stuck_webhooks()} webhook deliveries given back to the workers"


def _stalled_bulk_invites() -> str:
    return f"{resume_stalled_bulk_invites()} stalled bulk invitations resumed"


def _stalled_imports() -> str:
    return f"{resume_stalled_imports()} stalled client imports resumed"


def _old_idempotency_keys() -> str:
    return f"{forget_old_requests()} stored API answers older than 24 hours deleted"


def _expired_passkey_challenges() -> str:
    return f"{forget_expired_challenges()} expired passkey challenges deleted"


def _appointment_reminders() -> str:
    return f"{send_due_reminders()} appointment reminders queued"


def _access_summaries() -> str:
    return f"{send_weekly_access_summaries()} weekly access summaries queued"


def _abandoned_tasks() -> str:
    return f"{close_abandoned_tasks()} task rows of workers that died closed"


def _coming_of_age() -> str:
    return f"{len(find_clients_coming_of_age())} coming-of-age reviews opened"


HEARTBEAT_KEY = "portico:periodic:heartbeat"  # unix time of the last finished round


JOBS: list[tuple[str, int, Callable[[], str]]] = [
    ("outbox sweep", 60, _sweep_outbox),
    ("webhook sweep", 60, _sweep_webhooks),
    ("appointment reminders", 60, _appointment_reminders),
    ("stalled bulk invitations", 300, _stalled_bulk_invites),
    ("stalled client imports", 300, _stalled_imports),
    ("tasks of workers that died", 300, _abandoned_tasks),
    ("coming-of-age reviews", 3600, _coming_of_age),
    ("API idempotency keys", 3600, _old_idempotency_keys),
    ("expired passkey challenges", 3600, _expired_passkey_challenges),
    ("weekly access summaries", 3600, _access_summaries),
]


class Command(BaseCommand):
    help = "Run the recurring jobs: outbox sweep, stalled bulk invites, coming-of-age reviews."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run each job once and stop.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        next_run = dict.fromkeys((name for name, _, _ in JOBS), 0.0)
        while True:
            now = time.monotonic()
            for name, every, job in JOBS:
                if once or now >= next_run[name]:
                    outcome = job()
                    next_run[name] = now + every
                    if options["verbosity"] > 1 or (once and options["verbosity"] > 0):
                        self.stdout.write(f"{name}: {outcome}")
            cache.set(HEARTBEAT_KEY, time.time(), timeout=None)
            if once:
                return
            time.sleep(5)
            # A long-running process: drop connections the database closed meanwhile.
            close_old_connections()
