"""The portal's background tasks: the work of "Forgot password?" and "Forgot username?".

The request only counts and enqueues (``actions.request_*``), the same steps
whatever the visitor typed; these tasks look the account up and send, or not,
through the same actions, with the same audit outcomes. The identifier typed is
personal data (not a secret like a token; no date of birth or token is ever
passed): it stays in the task row only until the task has run, which blanks it in
the same transaction as its work. A task that fails keeps it, for the retry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.tasks import TaskContext, task

from portico.audit.actor import Actor
from portico.audit.vocabulary import Action
from portico.portal import actions
from portico.practices.models import Practice


def _visitor(ip: str | None, user_agent: str, label: str) -> Actor:
    return Actor(user=None, label=label, ip=ip, user_agent=user_agent)


def _blank(context: TaskContext[Any, Any], argument: str) -> None:
    """Blank ``argument`` in this task's own row (django-tasks-db keeps finished rows)."""
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(pk=context.task_result.id).only("args_kwargs").first()
    if row is None:  # another backend: nothing stored
        return
    row.args_kwargs["kwargs"][argument] = ""
    row.save(update_fields=["args_kwargs"])


@task(takes_context=True)
def answer_forgot_password(
    context: TaskContext[Any, Any],
    *,
    practice_id: int,
    identifier: str,
    ip: str | None,
    user_agent: str,
    label: str,
) -> list[str]:
    with transaction.atomic():
        practice = Practice.objects.get(pk=practice_id)
        outcomes = actions.answer_password_reset_request(
            practice, identifier=identifier, by=_visitor(ip, user_agent, label)
        )
        _blank(context, "identifier")
    return [str(outcome) for outcome in outcomes]


@task(takes_context=True)
def answer_forgot_username(
    context: TaskContext[Any, Any],
    *,
    practice_id: int,
    email: str,
    ip: str | None,
    user_agent: str,
    label: str,
) -> list[str]:
    with transaction.atomic():
        practice = Practice.objects.get(pk=practice_id)
        outcomes = actions.answer_username_request(
            practice, email=email, by=_visitor(ip, user_agent, label)
        )
        _blank(context, "email")
    return [str(outcome) for outcome in outcomes]


@task()
def summarize_refusals(
    *,
    practice_id: int,
    action: str,
    scope: str,
    cache_key: str,
    window_start: int,
    ip: str | None,
    user_agent: str,
    label: str,
) -> str:
    """At the end of an hour: one audit event for the requests refused in it, with the count."""
    found: Any = cache.get(cache_key)
    refused = int(found) if found is not None else None
    actions.record_refusals(
        Practice.objects.get(pk=practice_id),
        action=Action(action),
        scope=scope,
        refused=refused,
        window_start=datetime.fromtimestamp(window_start, tz=UTC),
        by=_visitor(ip, user_agent, label),
    )
    return f"{refused} refused"
