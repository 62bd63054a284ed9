"""The outbox's background task, run by ``manage.py db_worker``.

The sweep of stuck emails is not a task: ``manage.py periodic`` calls it.
The task only calls the sender; everything else is in delivery.py.
"""

from __future__ import annotations

from django.tasks import task

from portico.mail import delivery


@task()
def deliver_outbox() -> str:
    """Send the next batch of due emails (and leave a task for the rest, if any)."""
    return delivery.deliver_due_emails()
