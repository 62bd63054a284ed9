"""Making sure a delivery task waits for the webhook deliveries just written.

The same pattern as the mail outbox (``portico.mail.outbox.ensure_delivery_task``):
the task row lives in the same database, so a rolled-back change leaves neither
a delivery nor a task behind, and one waiting task serves every delivery written
before it runs.
"""

from __future__ import annotations


def ensure_delivery_task() -> None:
    """Enqueue ``deliver_webhooks`` unless one is already waiting (call inside a transaction)."""
    from django_tasks_db.models import DBTaskResult

    from portico.webhooks.tasks import deliver_webhooks

    waiting = (
        DBTaskResult.objects.ready()
        .filter(
            task_path=deliver_webhooks.module_path,
            backend_name=deliver_webhooks.backend,
            queue_name=deliver_webhooks.queue_name,
        )
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:1]
    )
    if not list(waiting):
        deliver_webhooks.enqueue()
