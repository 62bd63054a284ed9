"""Portal test state, built with the real actions of the access area.

Casey's account is made the way a client makes one: an invitation from Olivia,
then registration through that link (date of birth already checked by the view,
which the access tests cover).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.tasks import TaskContext
from django.test import Client as HttpClient
from django.urls import set_script_prefix, set_urlconf
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.access.actions import send_invite
from portico.access.models import AccessLink, LinkPurpose
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import PASSWORD, at


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> Iterator[None]:
    cache.clear()  # rate-limit counters start empty in every test
    yield
    cache.clear()


def run_forgot_tasks() -> list[list[str]]:
    """What ``manage.py db_worker`` does with the "Forgot …?" tasks that are due now.

    The summaries of refused requests wait for the end of their hour (``run_after``).
    """
    outcomes = []
    due = DBTaskResult.objects.ready().filter(task_path__startswith="portico.portal.tasks.")
    for row in due.order_by("enqueued_at", "pk"):
        result = row.task_result
        task = row.task
        arguments: tuple[object, ...] = (
            (TaskContext(task_result=result),) if task.takes_context else ()
        )
        value = task.call(*arguments, *result.args, **result.kwargs)
        row.set_successful(value)
        outcomes.append(value)
    return outcomes


def register(client: Client, owner: User, *, username: str, password: str = PASSWORD) -> User:
    sent = send_invite(client, by=Actor.for_user(owner))
    account = redeem_invite(
        sent.link, by=Actor.system(), username=username, password=password, at=timezone.now()
    )
    assert account is not None
    return account


def signed_in(practice: Practice, identifier: str, password: str = PASSWORD) -> HttpClient:
    http = HttpClient()
    response = http.post(
        at(practice, "portal:sign_in"), {"identifier": identifier, "password": password}
    )
    assert response.status_code == 302, response.content.decode()
    return http


def last_email(kind: EmailKind) -> OutboundEmail:
    return OutboundEmail.objects.filter(kind=kind).latest("created_at", "pk")


def latest_reset_link(account: User) -> AccessLink:
    return AccessLink.objects.filter(
        Q(user=account) | Q(access__user=account), purpose=LinkPurpose.PASSWORD_RESET
    ).latest("created_at", "pk")


@pytest.fixture
def in_maples_request(maple: Practice) -> Iterator[None]:
    """URLs reverse as inside a request of Maple (the practice middleware sets both)."""
    set_urlconf(settings.PRACTICE_URLCONF)
    set_script_prefix(f"/p/{maple.slug}/")
    yield
    set_urlconf(None)


def landing(practice: Practice, account: User) -> str:
    """Where signing in or registering takes ``account`` now: their first next step, else home.

    The tests of sign-in and registration check they get there; which step comes first
    is tested in test_next_step.py (and by each feature for its own steps).
    """
    from portico.portal.queries import next_step_url

    set_urlconf(settings.PRACTICE_URLCONF)
    set_script_prefix(f"/p/{practice.slug}/")
    try:
        return next_step_url(account)
    finally:
        set_urlconf(None)
        set_script_prefix("/")
