"""Staff screens for clients: thin views (form -> scoped lookup -> action -> response)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from portico.access import people
from portico.access.queries import access_is_on, client_links
from portico.access.status_reads import people_access, portal_status, portal_statuses
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.audit.queries import history_for_client
from portico.audit.reads import ReadPage, record_read
from portico.clients import actions
from portico.clients.contact_queries import current_contacts, open_review_count, open_review_for
from portico.clients.forms import AddClientForm, ClientEmailForm, ClientSearchForm
from portico.clients.minors import is_minor_by_birth
from portico.clients.models import Client
from portico.clients.queries import (
    age_on,
    client_emails,
    client_list_page,
    get_client_email_for_staff,
    get_client_for_staff,
)
from portico.lib.localtime import practice_today, short_day_and_time
from portico.portal.next_steps import next_steps
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can, staff_can
from portico.profiles.forms import PersonalInformationForm


def _invite_hint(address: str) -> str:
    return pgettext(
        "staff",
        "Saved. You can now send the portal invitation to %(address)s from the client's page.",
    ) % {"address": address}


@staff_required(Can.VIEW_CLIENTS)
def client_list(request: SignedInRequest) -> HttpResponse:
    search = ClientSearchForm(request.GET)
    search.is_valid()
    data = getattr(search, "cleaned_data", {})
    page = client_list_page(
        request.practice,
        search=data.get("q", ""),
        show_archived=bool(data.get("archived")),
        cursor=data.get("cursor", ""),
    )
    # The Portal column: every row's status in a constant number of queries.
    statuses = portal_statuses(page.rows, timezone.now(), practice=request.practice)
    context = {
        "nav": "clients",
        "search_form": search,
        "page": page,
        "rows": [(row, statuses[row.pk]) for row in page.rows],
        "open_review_count": open_review_count(request.practice),
        # The count is on the confirm page: a COUNT here would grow with the practice.
        "can_bulk_invite": staff_can(request.user, request.practice, Can.SEND_INVITES),
    }
    return render(request, "clients/list.html", context)


@staff_required(Can.EDIT_CLIENTS)
@require_http_methods(["GET", "POST"])
def add_client(request: SignedInRequest) -> HttpResponse:
    practice = request.practice
    today = practice_today(practice)
    form = AddClientForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        details = form.details()
        # Ticked: the practice's rule decides (off for a minor); unticked: off.
        details["portal_access_enabled"] = None if details["portal_access_enabled"] else False
        minor = is_minor_by_birth(practice, details["date_of_birth"], today)
        try:
            client = people.add_client(
                practice,
                by=Actor.from_request(request),
                emails=[email] if email else [],
                send_invitation=None,  # the practice's "invite on add" setting
                **details,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            invitation = client_links(client).first()
            if invitation is not None:
                expires = short_day_and_time(practice, invitation.expires_at)
                messages.success(
                    request,
                    pgettext(
                        "staff",
                        "%(name)s was added, and the portal invitation was sent to %(address)s. "
                        "It works until %(expires)s.",
                    )
                    % {"name": client.full_name, "address": invitation.email, "expires": expires},
                )
            elif email:
                messages.success(request, _invite_hint(email))
            else:
                messages.success(
                    request, pgettext("staff", "%(name)s was added.") % {"name": client.full_name}
                )
            if minor:
                messages.info(
                    request,
                    pgettext(
                        "staff",
                        "%(name)s is a minor, so their own portal access is off; "
                        "add a parent or guardian on the People tab.",
                    )
                    % {"name": client.greeting_name},
                )
            return redirect("clients:detail", client.public_id)
    return render(request, "clients/add.html", {"nav": "clients", "form": form})


def _client_context(request: SignedInRequest, client: Client) -> dict[str, Any]:
    emails = client_emails(client)
    status = portal_status(client, timezone.now())
    return {
        "nav": "clients",
        "client": client,
        "emails": emails,
        "default_email": next((e for e in emails if e.is_default), None),
        "bounced_emails": [e for e in emails if e.bounced_at],
        "age": age_on(client.date_of_birth, practice_today(request.practice)),
        "status": status,
        "client_access_on": status.enabled,
        "open_review": open_review_for(client),
    }


@staff_required()
def client_detail(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(request.user, request.practice, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    record_read(
        Actor.from_request(request), practice=request.practice, page=ReadPage.CLIENT, client=client
    )
    people = people_access(client, current_contacts(client), timezone.now()).rows
    steps = next_steps(client, reader=None)
    context = _client_context(request, client) | {
        "history": history_for_client(client),
        "people": people,
        "contact_statuses": [status for _, status in people if status.enabled],
        "waiting": [step for step in steps if step.waiting_on == "client"],
        "to_do": [step for step in steps if step.waiting_on == "practice"],
    }
    return render(request, "clients/detail.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def personal_information(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    record_read(
        Actor.from_request(request),
        practice=request.practice,
        page=ReadPage.PERSONAL_INFORMATION,
        client=client,
    )
    fields = (*actions.DETAIL_FIELDS, *actions.PROFILE_FIELDS)
    initial = {name: getattr(client, name) for name in fields}
    initial["portal_access_enabled"] = access_is_on(client)
    initial["language"] = client.language
    form = PersonalInformationForm(
        request.POST or None, initial=initial, today=practice_today(request.practice)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = people.update_client_details(
                client, by=Actor.from_request(request), **form.details()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, pgettext("staff", "Personal information saved."))
            else:
                messages.info(request, pgettext("staff", "Nothing was changed."))
            return redirect("clients:personal_information", client.public_id)
    context = _client_context(request, client) | {
        "form": form,
        "email_form": ClientEmailForm(auto_id="id_new_%s"),
    }
    return render(request, "clients/personal_information.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def add_email(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    form = ClientEmailForm(request.POST or None, auto_id="id_new_%s")
    if request.method == "POST" and form.is_valid():
        try:
            email = actions.add_client_email(
                client, by=Actor.from_request(request), address=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _invite_hint(email.address))
            return redirect("clients:personal_information", client.public_id)
    context = _client_context(request, client) | {"email_form": form}
    return render(request, "clients/email_form.html", context)


@staff_required()
@require_http_methods(["GET", "POST"])
def change_email(request: SignedInRequest, public_id: str, email_id: int) -> HttpResponse:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    email = get_client_email_for_staff(client, email_id)
    form = ClientEmailForm(request.POST or None, initial={"email": email.address})
    if request.method == "POST" and form.is_valid():
        old = email.address
        try:
            people.change_client_email(
                email, by=Actor.from_request(request), address=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            if email.address == old:
                messages.info(request, pgettext("staff", "The address was not changed."))
            else:
                messages.success(
                    request,
                    pgettext(
                        "staff",
                        "%(old)s was changed to %(new)s. Links sent to %(old)s no longer work. "
                        "You can now send the portal invitation to %(new)s from the client's page.",
                    )
                    % {"old": old, "new": email.address},
                )
            return redirect("clients:personal_information", client.public_id)
    context = _client_context(request, client) | {"email_form": form, "email": email}
    return render(request, "clients/email_form.html", context)


def _email_post(request: SignedInRequest, public_id: str, email_id: int) -> Any:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    return client, get_client_email_for_staff(client, email_id)


@staff_required()
def remove_email(request: SignedInRequest, public_id: str, email_id: int) -> HttpResponse:
    client, email = _email_post(request, public_id, email_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    new_default = people.remove_client_email(email, by=Actor.from_request(request))
    if email.is_default and new_default:
        text = pgettext(
            "staff",
            "%(address)s was removed. Links sent to it no longer work. "
            "%(new_default)s is now the default address.",
        ) % {"address": email.address, "new_default": new_default.address}
    else:
        text = pgettext("staff", "%(address)s was removed. Links sent to it no longer work.") % {
            "address": email.address
        }
    messages.success(request, text)
    return redirect("clients:personal_information", client.public_id)


@staff_required()
def make_default_email(request: SignedInRequest, public_id: str, email_id: int) -> HttpResponse:
    client, email = _email_post(request, public_id, email_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.set_default_client_email(email, by=Actor.from_request(request))
    messages.success(
        request,
        pgettext("staff", "%(address)s is now the default: invitations and resets go there.")
        % {"address": email.address},
    )
    return redirect("clients:personal_information", client.public_id)


@staff_required()
def confirm_email(request: SignedInRequest, public_id: str, email_id: int) -> HttpResponse:
    client, email = _email_post(request, public_id, email_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.confirm_client_email(email, by=Actor.from_request(request))
    messages.success(
        request, pgettext("staff", "%(address)s is marked as checked.") % {"address": email.address}
    )
    return redirect("clients:personal_information", client.public_id)


@staff_required()
def archive(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if client.is_archived:
        actions.unarchive_client(client, by=Actor.from_request(request))
        messages.success(
            request,
            pgettext("staff", "%(name)s is back in the client list.") % {"name": client.full_name},
        )
    else:
        actions.archive_client(client, by=Actor.from_request(request))
        messages.success(
            request,
            pgettext(
                "staff", "%(name)s was archived: hidden from the client list, nothing deleted."
            )
            % {"name": client.full_name},
        )
    return redirect("clients:detail", client.public_id)
