"""Staff screens for secure messages: the inbox and one client's conversation.

Opening a conversation marks it read for the practice; "Mark unread" sends staff
back to the inbox (staying on the page would read it again).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.queries import get_client_for_staff
from portico.messaging import actions
from portico.messaging.forms import AssignForm, InboxFilterForm, MessageForm
from portico.messaging.models import MAX_BODY
from portico.messaging.queries import (
    assignable_staff,
    conversation_of,
    thread,
    who_cannot_read,
)
from portico.messaging.queries import (
    inbox as inbox_rows,
)
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can

MESSAGE = Can.MESSAGE_CLIENTS
PAGE_SIZE = 50


@require_GET
@staff_required(MESSAGE)
def inbox(request: SignedInRequest) -> HttpResponse:
    staff = assignable_staff(request.practice)
    filters = InboxFilterForm(request.GET or None, staff=staff)
    assigned = filters.chosen()
    rows = inbox_rows(request.practice, assigned=assigned, viewer=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "messages",
        "filters": filters,
        "assigned": assigned,
        "page": page,
        "feature_on": feature_on(request.practice, PortalFeature.MESSAGES),
    }
    return render(request, "messaging/staff_inbox.html", context)


@require_http_methods(["GET", "POST"])
@staff_required(MESSAGE)
def conversation(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=MESSAGE)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.send_staff_message(
                client, by=Actor.from_request(request), body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            messages.success(
                request,
                pgettext("staff", "Your message was sent to %(name)s's portal.")
                % {"name": client.full_name},
            )
            return redirect("staff_messages:conversation", client.public_id)
    found = conversation_of(client)
    read_through = found.practice_read_through if found else 0
    shown = thread(found, viewer=request.user, practice=request.practice, read_through=read_through)
    if request.method == "GET":
        actions.read_as_practice(client, by=Actor.from_request(request))
    staff = assignable_staff(request.practice)
    assigned = found.assigned_to_id if found else None
    context = {
        "nav": "messages",
        "client": client,
        "max_body": MAX_BODY,
        "form": form,
        "shown": shown,
        "cannot_read": who_cannot_read(client),
        "feature_on": feature_on(request.practice, PortalFeature.MESSAGES),
        "assign_form": AssignForm(initial={"assigned_to": assigned or ""}, staff=staff),
        "has_client_messages": any(not item.from_practice for item in shown),
    }
    status = 400 if form.errors else 200
    return render(request, "messaging/staff_conversation.html", context, status=status)


@require_POST
@staff_required(MESSAGE)
def assign(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=MESSAGE)
    form = AssignForm(request.POST, staff=assignable_staff(request.practice))
    if not form.is_valid():
        messages.error(request, pgettext("staff", "Choose a staff member from the list."))
        return redirect("staff_messages:conversation", client.public_id)
    to = form.chosen()
    actions.assign_conversation(client, by=Actor.from_request(request), to=to)
    if to is None:
        done = pgettext("staff", "%(name)s's messages are now assigned to nobody.") % {
            "name": client.full_name
        }
    else:
        done = pgettext("staff", "%(name)s's messages are now assigned to %(staff)s.") % {
            "name": client.full_name,
            "staff": to.full_name or to.username,
        }
    messages.success(request, done)
    return redirect("staff_messages:conversation", client.public_id)


@require_POST
@staff_required(MESSAGE)
def mark_read(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=MESSAGE)
    actions.read_as_practice(client, by=Actor.from_request(request), how="marked")
    messages.success(
        request,
        pgettext("staff", "%(name)s's messages are marked read.") % {"name": client.full_name},
    )
    return redirect("staff_messages:inbox")


@require_POST
@staff_required(MESSAGE)
def mark_unread(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id, capability=MESSAGE)
    if actions.mark_unread_for_practice(client, by=Actor.from_request(request)):
        messages.success(
            request,
            pgettext("staff", "%(name)s's latest message is marked unread.")
            % {"name": client.full_name},
        )
    else:
        messages.info(
            request,
            pgettext("staff", "There is no message from %(name)s's side to mark unread.")
            % {"name": client.full_name},
        )
    return redirect("staff_messages:inbox")
