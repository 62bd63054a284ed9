"""Give the outbox's stuck and waiting emails back to the workers.

Run it beside ``manage.py db_worker`` (``--loop 60``) or from cron: it re-queues
emails left in "sending" by a worker that died and due emails whose task was lost.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from portico.mail.delivery import LOST_AFTER, STUCK_AFTER, recover_stuck_emails


class Command(BaseCommand):
    help = "Re-queue emails stuck in 'sending' or waiting past their time."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--loop", type=int, default=0, metavar="SECONDS", help="Repeat every SECONDS."
        )
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=int(STUCK_AFTER.total_seconds()),
            metavar="SECONDS",
            help="Treat an email in 'sending' for longer than this as abandoned.",
        )
        parser.add_argument(
            "--lost-after",
            type=int,
            default=int(LOST_AFTER.total_seconds()),
            metavar="SECONDS",
            help="Re-enqueue due emails waiting for longer than this.",
        )

    def handle(
        self, *args: Any, loop: int, stuck_after: int, lost_after: int, **options: Any
    ) -> None:
        while True:
            count = recover_stuck_emails(
                stuck_after=timedelta(seconds=stuck_after), lost_after=timedelta(seconds=lost_after)
            )
            if options["verbosity"] > 0:
                self.stdout.write(f"{count} emails re-queued.")
            if not loop:
                return
            time.sleep(loop)
