"""Daily background work for clients, run by ``manage.py db_worker``."""

from __future__ import annotations

from django.tasks import task

from portico.clients.minors import find_clients_coming_of_age


@task()
def review_coming_of_age() -> int:
    """Open a coming-of-age review for each client who reached the age of majority.

    Enqueue it daily (cron, or ``manage.py review_coming_of_age``); it is
    idempotent and catches up on missed days. Returns how many reviews it opened.
    """
    return len(find_clients_coming_of_age())
