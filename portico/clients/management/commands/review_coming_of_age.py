"""Open coming-of-age reviews for clients who reached the age of majority.

``manage.py periodic`` runs it every hour; this command is for running it by
hand or from cron. Running it more than once a day is harmless, and a missed
day is caught up on the next run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portico.clients.minors import find_clients_coming_of_age


class Command(BaseCommand):
    help = "Open a coming-of-age review for each client who reached the age of majority."

    def handle(self, *args: Any, **options: Any) -> None:
        reviews = find_clients_coming_of_age()
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(reviews)} coming-of-age reviews opened.")
