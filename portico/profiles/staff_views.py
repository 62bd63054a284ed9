"""Staff pages: changes clients asked for, side by side with what is on file; card photos.

Staff pages stay available while the portal features are off (a change waiting
from before still needs an answer).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.queries import get_client_for_staff
from portico.files.serving import file_response
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can
from portico.profiles import actions
from portico.profiles.fields import field_label
from portico.profiles.forms import DecisionForm
from portico.profiles.queries import (
    clients_with_pending_changes,
    get_card_file,
    get_change_for_staff,
    policies_of,
    review_rows,
)

REVIEW = Can.REVIEW_PROFILE_CHANGES


@require_GET
@staff_required(REVIEW)
def pending(request: SignedInRequest) -> HttpResponse:
    """Every client of the practice with changes waiting, the longest waiting first."""
    context = {"nav": "profile_changes", "rows": clients_with_pending_changes(request.practice)}
    return render(request, "profiles/staff_pending.html", context)


@staff_required()
def client_changes(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=REVIEW)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = {
        "nav": "clients",
        "client": client,
        "rows": review_rows(client),
        "policies": list(policies_of(client).values()),
    }
    return render(request, "profiles/staff_client_changes.html", context)


@require_POST
@staff_required()
def decide(request: SignedInRequest, public_id: str, change_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=REVIEW)
    change = get_change_for_staff(client, change_id)
    form = DecisionForm(request.POST)
    label = field_label(change.field)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("reason", []))
            or pgettext("staff", "Choose Accept or Reject."),
        )
        return redirect("staff_profiles:client_changes", client.public_id)
    by = Actor.from_request(request)
    try:
        if form.cleaned_data["decision"] == "accept":
            actions.accept_change(change, by=by)
            messages.success(
                request,
                pgettext("staff", "%(field)s: accepted, and now on file.") % {"field": label},
            )
        else:
            actions.reject_change(change, by=by, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                pgettext("staff", "%(field)s: rejected. What was on file stays.")
                % {"field": label},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("staff_profiles:client_changes", client.public_id)


@staff_required()
def file(request: SignedInRequest, public_id: str, file_id: str) -> HttpResponseBase:
    """A card photo of the client (on file or waiting for review): viewed, or downloaded."""
    client = get_client_for_staff(request.user, request.practice, public_id, capability=REVIEW)
    stored = get_card_file(client, file_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    download = request.GET.get("download") == "1" or not stored.is_image
    record(
        Action.FILE_DOWNLOADED if download else Action.FILE_VIEWED,
        practice=request.practice,
        actor=Actor.from_request(request),
        client=client,
        details={"file": str(stored.public_id), "purpose": stored.purpose},
    )
    return file_response(stored, download=download)
