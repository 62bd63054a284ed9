"""Task rows left "running" by a worker that died (SIGKILL, a lost host, a restart).

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it
again if that worker dies: the row would say "running" forever. The work itself is
not lost — the outbox sweep, the stalled bulk-invitation and import resumers give
it back — so the row only needs to say what happened. A task running for longer
than ``ABANDONED_AFTER`` (no Portico task takes anywhere near that: bulk
invitations and imports work in chunks) is marked FAILED with a plain reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

ABANDONED_AFTER = timedelta(hours=1)
REASON = (
    "The worker running this task stopped before it finished (killed or restarted). "
    "Its work was given back by the recurring jobs (outbox sweep, stalled bulk "
    "invitations and imports); this row is closed so it no longer says 'running'."
)


class AbandonedTask(Exception):  # noqa: N818 (the name is what the task row shows)
    """The exception class path recorded on an abandoned task's row."""


def close_abandoned_tasks(at: datetime | None = None) -> int:
    """Mark tasks running for longer than ABANDONED_AFTER as failed; how many."""
    now = at or timezone.now()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{AbandonedTask.__module__}.{AbandonedTask.__qualname__}",
        traceback=REASON,
    )
