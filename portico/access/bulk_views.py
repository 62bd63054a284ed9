"""Staff screens of "Invite everyone not yet invited": confirm, start, watch the progress.

Thin views: the plan and the progress are reads in ``bulk``, starting is
``bulk.start_bulk_invite``. The progress page refreshes itself with a meta tag
while the task runs (no JavaScript needed).
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portico.access import bulk
from portico.access.limits import SEND_LIMIT
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.lib.localtime import short_day_and_time
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


@never_cache
@staff_required(Can.SEND_INVITES)
@require_http_methods(["GET", "POST"])
def confirm(request: SignedInRequest) -> HttpResponse:
    practice = request.practice
    if request.method == "POST":
        started = bulk.start_bulk_invite(practice, by=Actor.from_request(request))
        return redirect("access:bulk_invite_progress", started.public_id)
    context = {
        "nav": "clients",
        "plan": bulk.plan_bulk_invite(practice),
        "running": bulk.unfinished_bulk_invite(practice),
        "lifetime_hours": practice.invite_lifetime_hours,
        "send_limit": SEND_LIMIT,
    }
    return render(request, "access/bulk_confirm.html", context)


@never_cache
@staff_required()
def progress(request: SignedInRequest, bulk_id: UUID) -> HttpResponse:
    found = bulk.get_bulk_invite_for_staff(request.user, request.practice, bulk_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    context = {
        "nav": "clients",
        "bulk": found,
        "skipped_lines": [
            (bulk.skip_reason(reason), count) for reason, count in found.not_eligible.items()
        ],
        "started": short_day_and_time(request.practice, found.created_at),
        "finished": (
            short_day_and_time(request.practice, found.finished_at) if found.finished_at else ""
        ),
    }
    return render(request, "access/bulk_progress.html", context)
