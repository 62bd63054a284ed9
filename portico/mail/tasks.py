"""Background tasks of the outbox, run by ``manage.py db_worker``.

The tasks only call the sender; everything else is in delivery.py.
"""

from __future__ import annotations

from django.tasks import task

from portico.mail import delivery


@task()
def deliver_outbox() -> str:
    """Send the next batch of due emails (and leave a task for the rest, if any)."""
    return delivery.deliver_due_emails()


@task()
def deliver_email(email_id: int) -> str:
    """Send one email (and other due ones): tasks enqueued before deliver_outbox existed."""
    return delivery.send_outbound_email(email_id)


@task()
def sweep_outbox() -> int:
    """Give back emails stuck in "sending" and make sure waiting ones have a task."""
    return delivery.recover_stuck_emails()
