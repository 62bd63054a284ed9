"""Background tasks of the outbox, run by ``manage.py db_worker``.

The tasks only load ids and call the sender; everything else is in delivery.py.
"""

from __future__ import annotations

from django.tasks import task

from portico.mail import delivery


@task()
def deliver_email(email_id: int) -> str:
    return delivery.send_outbound_email(email_id)


@task()
def sweep_outbox() -> int:
    """Re-enqueue emails whose task was lost and emails stuck in "sending"."""
    return delivery.recover_stuck_emails()
