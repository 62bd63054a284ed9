"""Practice-wide reads and the bulk invitation: the staff pages' queries and actions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from portico.access import bulk
from portico.access.models import BulkInvite
from portico.api import schemas as s
from portico.api.auth import actor, require
from portico.api.idempotency import idempotent
from portico.api.lookups import bulk_for_key, practice_of
from portico.api.problems import ERRORS
from portico.api.shapes import json_response
from portico.audit.queries import EventFilter, describe_event, events_for_practice
from portico.mail.models import EmailKind, EmailStatus
from portico.mail.queries import activity_page, delivery_state
from portico.practices.roles import Can

router = Router()

FEED_MAX = 500


def _bulk_out(found: BulkInvite) -> dict[str, Any]:
    return {
        "id": found.public_id,
        "status": found.status,
        "created_at": found.created_at,
        "started_at": found.started_at,
        "finished_at": found.finished_at,
        "total": found.total,
        "sent": found.sent,
        "skipped": found.skipped,
        "not_eligible": found.not_eligible,
    }


@router.get(
    "/bulk-invites/plan",
    response={200: s.BulkPlanOut, **ERRORS},
    tags=["bulk invitation"],
    summary="Who a bulk invitation would email now",
)
def bulk_plan(request: HttpRequest) -> Any:
    require(request, Can.SEND_INVITES)
    plan = bulk.plan_bulk_invite(practice_of(request))
    return {"eligible": plan.eligible, "skipped": plan.skipped}


@router.post(
    "/bulk-invites",
    response={202: s.BulkInviteOut, **ERRORS},
    tags=["bulk invitation"],
    summary="Invite everyone not yet invited",
)
def start_bulk_invite(request: HttpRequest) -> HttpResponse:
    """Runs in the background; returns the one already under way, if any. Follow its
    progress at ``/bulk-invites/{id}``."""
    require(request, Can.SEND_INVITES)

    def run() -> HttpResponse:
        started = bulk.start_bulk_invite(practice_of(request), by=actor(request))
        response = json_response(s.BulkInviteOut, _bulk_out(started), status=202)
        response["Location"] = f"{request.path.rstrip('/')}/{started.public_id}"
        return response

    return idempotent(request, run)


@router.get(
    "/bulk-invites/{bulk_id}",
    response={200: s.BulkInviteOut, **ERRORS},
    tags=["bulk invitation"],
    summary="A bulk invitation's progress",
)
def bulk_progress(request: HttpRequest, bulk_id: UUID) -> Any:
    return _bulk_out(bulk_for_key(request, bulk_id))


class FeedQuery(Schema):
    since_id: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=FEED_MAX)
    include_views: bool = False


@router.get(
    "/access-history",
    response={200: s.EventFeed, **ERRORS},
    tags=["access history"],
    summary="Access events after an event id, oldest first (for a sync)",
)
def access_history(request: HttpRequest, query: Query[FeedQuery]) -> Any:
    """The practice's access history (as in the staff history and its export). Start at
    ``since_id=0``, then pass each answer's ``next_since_id``."""
    require(request, Can.EXPORT_AUDIT)
    events = events_for_practice(
        practice_of(request), EventFilter(include_views=query.include_views)
    )
    rows = list(events.filter(id__gt=query.since_id).order_by("id")[: query.limit])
    items = [
        {
            "id": event.pk,
            "at": event.at,
            "action": event.action,
            "sentence": describe_event(event),
            "actor": event.actor_label,
            "client_id": event.client.public_id if event.client else None,
            "details": event.details or {},
        }
        for event in rows
    ]
    return {"items": items, "next_since_id": rows[-1].pk if rows else query.since_id}


class EmailQuery(Schema):
    status: EmailStatus | None = None
    kind: EmailKind | None = None
    cursor: str = ""
    limit: int = Field(default=50, ge=1, le=200)


@router.get(
    "/emails",
    response={200: s.EmailActivityPage, **ERRORS},
    tags=["email activity"],
    summary="The practice's emails, newest first",
)
def email_activity(request: HttpRequest, query: Query[EmailQuery]) -> Any:
    """The staff Email activity list: each email's state in words (no bodies)."""
    require(request, Can.VIEW_EMAIL_ACTIVITY)
    page = activity_page(
        practice_of(request),
        status=query.status or "",
        kind=query.kind or "",
        cursor=query.cursor,
        size=query.limit,
    )
    items = [
        {
            "id": email.pk,
            "kind": email.kind,
            "to": email.to_address,
            "subject": email.subject,
            "status": email.status,
            "delivery": delivery_state(email).sentence,
            "client_id": email.client.public_id if email.client else None,
            "created_at": email.created_at,
            "sent_at": email.sent_at,
            "delivered_at": email.delivered_at,
        }
        for email in page.rows
    ]
    return {"items": items, "next_cursor": page.next_cursor}
