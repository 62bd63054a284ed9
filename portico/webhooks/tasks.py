"""The webhook delivery task, run by ``manage.py db_worker``; everything else is in delivery.py."""

from __future__ import annotations

from django.tasks import task

from portico.webhooks import delivery


@task()
def deliver_webhooks() -> str:
    """Send the next batch of due webhook deliveries (and leave a task for the rest)."""
    return delivery.deliver_due_webhooks()
