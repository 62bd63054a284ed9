"""Resend all expired invitations, from the Access problems page, through the bulk invitation.

The plan says who will get a new invitation and who is skipped and why, by name;
starting it writes an ``ExpiredResend`` naming those clients and starts the bulk
invitation (``portico.access.bulk``), which narrows its run to them and checks each
one again as it reaches them: the same link, email, audit event and per-person
resend limit as "Send portal invite" on a client's page, and nobody emailed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import pgettext

from portico.access.bulk import start_bulk_invite, unfinished_bulk_invite
from portico.access.limits import SEND_LIMIT
from portico.access.models import BulkInvite
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.practices.models import Practice
from portico.problems.counts import forget_count
from portico.problems.models import ExpiredResend
from portico.problems.queries import Problem, access_problems


@dataclass(frozen=True)
class Skipped:
    name: str
    why: str


@dataclass(frozen=True)
class ResendPlan:
    clients: list[Client]  # will get a new invitation
    skipped: list[Skipped]


def _why_skipped(problem: Problem) -> str:
    status = problem.status
    if problem.contact is not None:
        return pgettext("staff", "a parent or other contact: resend from the client's People tab")
    if status is not None and not status.has_email:
        return pgettext("staff", "no email address on file any more")
    if status is not None and not status.sends_left:
        return pgettext(
            "staff",
            "already sent %(limit)d invitation or reset emails in the last 24 hours; "
            "the next can be sent at %(when)s",
        ) % {"limit": SEND_LIMIT, "when": status.next_available_text}
    return ""


def plan_expired_resend(practice: Practice, at: datetime) -> ResendPlan:
    """Who would get a new invitation now, and who is left out (each with the reason)."""
    clients: list[Client] = []
    skipped: list[Skipped] = []
    for problem in access_problems(practice, at, kind="expired"):
        why = _why_skipped(problem)
        if why:
            skipped.append(Skipped(problem.person_name, why))
        else:
            clients.append(problem.client)
    return ResendPlan(clients, skipped)


@transaction.atomic
def start_expired_resend(practice: Practice, *, by: Actor, at: datetime) -> BulkInvite:
    """Start the bulk invitation for the clients whose invitation expired (not resent)."""
    # The lock start_bulk_invite takes: nothing starts between the check and the start.
    Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").first()
    if unfinished_bulk_invite(practice) is not None:
        raise ValidationError(
            pgettext(
                "staff", "Another bulk invitation is under way; try again when it has finished."
            ),
            code="busy",
        )
    plan = plan_expired_resend(practice, at)
    if not plan.clients:
        raise ValidationError(
            pgettext("staff", "No expired invitation can be resent right now."), code="none"
        )
    bulk = start_bulk_invite(practice, by=by)
    resend = ExpiredResend.objects.create(practice=practice, bulk=bulk, created_at=at)
    resend.clients.set(plan.clients)
    record(
        Action.EXPIRED_RESEND_STARTED,
        practice=practice,
        actor=by,
        details={"bulk_invite": str(bulk.public_id), "clients": len(plan.clients)},
    )
    transaction.on_commit(lambda: forget_count(practice))
    return bulk
