"""The portal's secure messages: the conversation of the client acted for, and a reply."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from portico.audit.actor import Actor
from portico.messaging.actions import read_as_portal, send_portal_message
from portico.messaging.forms import MessageForm
from portico.messaging.models import MAX_BODY
from portico.messaging.queries import conversation_of, portal_read_through, thread
from portico.portal.acting import grant_label
from portico.portal.decorators import acting_for_required
from portico.practices.http import SignedInRequest


@require_http_methods(["GET", "POST"])
@acting_for_required
def conversation(http_request: HttpRequest) -> HttpResponse:
    """Read the conversation (opening it marks it read for this person) and reply."""
    request = cast(SignedInRequest, http_request)
    access = request.acting.grant  # type: ignore[attr-defined]
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            send_portal_message(
                access, by=Actor.from_request(request), body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(
                request,
                gettext("Your message was sent to %(practice)s.")
                % {"practice": request.practice.name},
            )
            return redirect("portal_messages:conversation")
    found = conversation_of(access.client)
    shown = thread(
        found,
        viewer=request.user,
        practice=request.practice,
        read_through=portal_read_through(found, access),
    )
    if request.method == "GET":
        read_as_portal(access, by=Actor.from_request(request))
    context = {
        "max_body": MAX_BODY,
        "form": form,
        "shown": shown,
        "acting_for": "" if access.is_own else grant_label(access),
    }
    status = 400 if form.errors else 200
    return render(request, "messaging/portal_conversation.html", context, status=status)
