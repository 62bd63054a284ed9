"""A client's Forms page for staff: what was sent, send one, read answers, reopen."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.clients.queries import get_client_for_staff
from portico.intake import actions
from portico.intake.answers import shown_answers
from portico.intake.forms import ReopenForm, SendFormForm
from portico.intake.queries import client_assignments, get_assignment, questions_of, sendable_forms
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can


def _client(request: SignedInRequest, public_id: str) -> Client:
    return get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.SEND_FORMS
    )


def _page(
    request: SignedInRequest, client: Client, send_form: SendFormForm | None = None
) -> HttpResponse:
    forms_to_send = sendable_forms(request.practice)
    context = {
        "nav": "clients",
        "client": client,
        "assignments": client_assignments(client),
        "send_form": send_form or SendFormForm(forms_to_send=forms_to_send),
        "can_send": bool(forms_to_send),
        "forms_on": feature_on(request.practice, PortalFeature.FORMS),
    }
    return render(request, "intake/staff/client_forms.html", context)


@staff_required(Can.SEND_FORMS)
def client_forms(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = _client(request, public_id)  # first: another practice's client is a 404 to any method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _page(request, client)


@staff_required(Can.SEND_FORMS)
@require_POST
def send(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = _client(request, public_id)
    send_form = SendFormForm(request.POST, forms_to_send=sendable_forms(request.practice))
    if not send_form.is_valid():
        return _page(request, client, send_form)
    form = send_form.cleaned_data["form"]
    try:
        sent = actions.send_form(client, form, by=Actor.from_request(request))
    except actions.FormRefused as exc:
        messages.error(request, str(exc))
        return redirect("staff_forms:client_forms", client.public_id)
    if sent.emailed:
        emailed = pgettext("staff", "An email saying a form is waiting went to %(addresses)s.") % {
            "addresses": ", ".join(sent.emailed)
        }
    else:
        emailed = pgettext(
            "staff",
            "No email was sent: nobody who acts for this client has a working portal account "
            "with email notifications on. The form waits for them in the portal.",
        )
    messages.success(
        request,
        pgettext("staff", "“%(title)s” was sent to %(name)s. %(emailed)s")
        % {"title": form.title, "name": client.full_name, "emailed": emailed},
    )
    return redirect("staff_forms:client_forms", client.public_id)


@staff_required(Can.SEND_FORMS)
def answers(request: SignedInRequest, public_id: str, assignment_id: str) -> HttpResponse:
    """The answers, print-friendly; reading them is audited."""
    client = _client(request, public_id)
    assignment = get_assignment(client, assignment_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    actions.record_answers_viewed(assignment, by=Actor.from_request(request))
    context = {
        "nav": "clients",
        "client": client,
        "assignment": assignment,
        "shown": shown_answers(questions_of(assignment.version), assignment.answers),
        "reopen_form": ReopenForm(),
    }
    return render(request, "intake/staff/answers.html", context)


@staff_required(Can.SEND_FORMS)
@require_POST
def reopen(request: SignedInRequest, public_id: str, assignment_id: str) -> HttpResponse:
    client = _client(request, public_id)
    assignment = get_assignment(client, assignment_id)
    reopen_form = ReopenForm(request.POST)
    if not reopen_form.is_valid():
        context = {
            "nav": "clients",
            "client": client,
            "assignment": assignment,
            "shown": shown_answers(questions_of(assignment.version), assignment.answers),
            "reopen_form": reopen_form,
        }
        return render(request, "intake/staff/answers.html", context, status=200)
    try:
        actions.reopen_form(
            assignment, by=Actor.from_request(request), note=reopen_form.cleaned_data["note"]
        )
    except actions.ReopenRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            pgettext("staff", "“%(title)s” was reopened: %(name)s sees it again with your note.")
            % {"title": assignment.form.title, "name": client.greeting_name},
        )
    return redirect("staff_forms:client_forms", client.public_id)
