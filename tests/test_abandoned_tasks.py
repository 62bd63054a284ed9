"""A task row left "running" by a worker that died is closed by the recurring jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.operations.abandoned import ABANDONED_AFTER, close_abandoned_tasks
from portico.portal.tasks import answer_forgot_password

pytestmark = pytest.mark.django_db


def running_since(minutes_ago: float) -> DBTaskResult[Any, Any]:
    """A task row as a worker leaves it when it takes the task (and then dies)."""
    result = answer_forgot_password.enqueue(
        practice_id=1, identifier="nobody", ip="127.0.0.1", user_agent="", label=""
    )
    row = DBTaskResult.objects.get(id=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    row.worker_ids = ["a-worker-that-died"]
    row.save()
    return row


def test_a_task_running_for_longer_than_an_hour_is_closed_with_the_reason() -> None:
    now = timezone.now()
    dead = running_since(ABANDONED_AFTER.total_seconds() / 60 + 1)
    alive = running_since(ABANDONED_AFTER.total_seconds() / 60 - 1)
    assert close_abandoned_tasks(now) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert dead.finished_at == now
    assert dead.exception_class_path == "portico.operations.abandoned.AbandonedTask"
    assert "stopped before it finished" in dead.traceback
    assert alive.status == TaskResultStatus.RUNNING


def test_finished_and_waiting_tasks_are_left_alone() -> None:
    row = running_since(600)
    row.status = TaskResultStatus.SUCCESSFUL
    row.save()
    assert close_abandoned_tasks() == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
