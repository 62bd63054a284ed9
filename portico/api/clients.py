"""Clients, their addresses and contacts: the staff screens' forms and actions, over JSON."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from portico.access import people
from portico.access.queries import access_is_on
from portico.access.status_reads import people_access, portal_status, portal_statuses
from portico.api import schemas as s
from portico.api.auth import actor, require
from portico.api.idempotency import idempotent
from portico.api.lookups import client_for_key, contact_for_key, email_for_key, practice_of
from portico.api.problems import ERRORS, form_errors, invalid
from portico.api.queries import clients_updated_since
from portico.api.shapes import client_out, client_summary, contact_out, email_out, json_response
from portico.audit.reads import ReadPage, record_read
from portico.clients import actions
from portico.clients.contact_forms import ContactForm
from portico.clients.contact_queries import current_contacts
from portico.clients.emails import normalize_email
from portico.clients.forms import AddClientForm, ClientDetailsForm, ClientEmailForm
from portico.clients.models import Client, Contact
from portico.clients.queries import client_emails, client_list_page
from portico.lib.localtime import practice_today
from portico.practices.roles import Can

router = Router(tags=["clients"])

MAX_PAGE = 200


def _keep_typo(data: dict[str, Any], *, keep: bool) -> dict[str, Any]:
    """The typo hint's "keep what I typed", as the form's two hidden fields carry it."""
    if keep and data.get("email"):
        # A bad address is left for the form to report, in its own words.
        with contextlib.suppress(ValidationError):
            data |= {"email_hint_for": normalize_email(data["email"]), "email_decision": "keep"}
    return data


def _client_response(client: Client, *, status: int = 200) -> HttpResponse:
    return json_response(
        s.ClientOut,
        client_out(client, client_emails(client), portal_status(client, timezone.now())),
        status=status,
    )


class ClientFilters(Schema):
    cursor: str = ""
    limit: int = 50
    q: str = ""
    archived: bool = False
    portal_state: s.PortalState | None = None
    updated_since: datetime | None = None


@router.get("/clients", response={200: s.ClientPage, **ERRORS}, summary="List clients")
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    """Clients by last name (or, with ``updated_since``, by last change), 50 a page.

    ``portal_state`` keeps the page's clients in that state: a page may then hold
    fewer than ``limit`` items; read on while ``next_cursor`` is not null.
    """
    require(request, Can.VIEW_CLIENTS)
    practice = practice_of(request)
    size = max(1, min(filters.limit, MAX_PAGE))
    if filters.updated_since is not None:
        rows, next_cursor = clients_updated_since(
            practice,
            filters.updated_since,
            archived=filters.archived,
            cursor=filters.cursor,
            size=size,
        )
    else:
        page = client_list_page(
            practice,
            search=filters.q,
            show_archived=filters.archived,
            cursor=filters.cursor,
            page_size=size,
        )
        rows, next_cursor = page.rows, page.next_cursor
    statuses = portal_statuses(rows, timezone.now(), practice=practice)
    items = [
        client_summary(client, statuses[client.pk])
        for client in rows
        if filters.portal_state is None or statuses[client.pk].state == filters.portal_state
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.post("/clients", response={201: s.ClientOut, **ERRORS}, summary="Add a client")
def create_client(request: HttpRequest, payload: s.ClientIn) -> HttpResponse:
    """The staff "Add client" form: with an email and the practice's "invite when added"
    setting on, the invitation is sent in the same transaction."""
    require(request, Can.EDIT_CLIENTS)
    practice = practice_of(request)

    def run() -> HttpResponse:
        data = _keep_typo(
            payload.model_dump(exclude={"keep_email_as_typed", "external_id"}),
            keep=payload.keep_email_as_typed,
        )
        form = AddClientForm(data, today=practice_today(practice))
        if not form.is_valid():
            raise invalid(form_errors(form.errors.as_data()))
        email = form.cleaned_data["email"]
        details = form.details()
        details["portal_access_enabled"] = None if details["portal_access_enabled"] else False
        client = people.add_client(
            practice,
            by=actor(request),
            emails=[email] if email else [],
            send_invitation=None,
            external_id=payload.external_id,
            **details,
        )
        response = _client_response(client, status=201)
        response["Location"] = f"{request.path.rstrip('/')}/{client.public_id}"
        return response

    return idempotent(request, run)


@router.get("/clients/{client_id}", response={200: s.ClientOut, **ERRORS}, summary="Get a client")
def get_client(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_for_key(request, client_id, Can.VIEW_CLIENTS)
    record_read(actor(request), practice=client.practice, page=ReadPage.CLIENT, client=client)
    return _client_response(client)


@router.patch(
    "/clients/{client_id}",
    response={200: s.ClientOut, **ERRORS},
    summary="Change a client's details",
)
def update_client(request: HttpRequest, client_id: UUID, payload: s.ClientPatch) -> HttpResponse:
    """The Personal information form: send only the fields to change."""
    client = client_for_key(request, client_id, Can.EDIT_CLIENTS)
    current: dict[str, Any] = {name: getattr(client, name) for name in actions.DETAIL_FIELDS}
    current["date_of_birth"] = client.date_of_birth.isoformat()
    current["portal_access_enabled"] = access_is_on(client)
    changes = payload.model_dump(exclude_none=True)
    external_id = changes.pop("external_id", None)
    form = ClientDetailsForm(current | changes, today=practice_today(client.practice))
    if not form.is_valid():
        raise invalid(form_errors(form.errors.as_data()))
    details = form.details()
    if external_id is not None:
        details["external_id"] = external_id
    people.update_client_details(client, by=actor(request), **details)
    return _client_response(client)


@router.post(
    "/clients/{client_id}/archive",
    response={200: s.ClientOut, **ERRORS},
    summary="Archive a client",
)
def archive_client(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """Hidden from the client list, nothing deleted (undo with unarchive)."""
    client = client_for_key(request, client_id, Can.EDIT_CLIENTS)
    return idempotent(
        request, lambda: _client_response(actions.archive_client(client, by=actor(request)))
    )


@router.post(
    "/clients/{client_id}/unarchive",
    response={200: s.ClientOut, **ERRORS},
    summary="Bring a client back from the archive",
)
def unarchive_client(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_for_key(request, client_id, Can.EDIT_CLIENTS)
    return idempotent(
        request, lambda: _client_response(actions.unarchive_client(client, by=actor(request)))
    )


# --- email addresses ----------------------------------------------------------------------


@router.post(
    "/clients/{client_id}/emails",
    response={201: s.EmailOut, **ERRORS},
    summary="Add an email address",
)
def add_email(request: HttpRequest, client_id: UUID, payload: s.EmailIn) -> HttpResponse:
    client = client_for_key(request, client_id, Can.EDIT_CLIENTS)

    def run() -> HttpResponse:
        data = _keep_typo({"email": payload.email}, keep=payload.keep_email_as_typed)
        form = ClientEmailForm(data)
        if not form.is_valid():
            raise invalid(form_errors(form.errors.as_data()))
        email = actions.add_client_email(
            client, by=actor(request), address=form.cleaned_data["email"]
        )
        return json_response(s.EmailOut, email_out(email), status=201)

    return idempotent(request, run)


@router.delete(
    "/clients/{client_id}/emails/{email_id}",
    response={204: None, **ERRORS},
    summary="Remove an email address",
)
def remove_email(request: HttpRequest, client_id: UUID, email_id: int) -> Status[None]:
    """Links sent to the address stop working; the next address becomes the default."""
    email = email_for_key(request, client_id, email_id, Can.EDIT_CLIENTS)
    people.remove_client_email(email, by=actor(request))
    return Status(204, None)


@router.post(
    "/clients/{client_id}/emails/{email_id}/default",
    response={200: s.EmailOut, **ERRORS},
    summary="Make an address the default",
)
def make_default_email(request: HttpRequest, client_id: UUID, email_id: int) -> HttpResponse:
    email = email_for_key(request, client_id, email_id, Can.EDIT_CLIENTS)
    return idempotent(
        request,
        lambda: json_response(
            s.EmailOut, email_out(actions.set_default_client_email(email, by=actor(request)))
        ),
    )


# --- contacts -----------------------------------------------------------------------------


def _contact_response(contact: Contact, *, status: int = 200) -> HttpResponse:
    rows = people_access(contact.client, [contact], timezone.now()).rows
    return json_response(s.ContactOut, contact_out(*rows[0]), status=status)


@router.get(
    "/clients/{client_id}/contacts",
    response={200: list[s.ContactOut], **ERRORS},
    summary="List a client's contacts",
)
def list_contacts(request: HttpRequest, client_id: UUID) -> Any:
    client = client_for_key(request, client_id, Can.VIEW_CLIENTS)
    rows = people_access(client, current_contacts(client), timezone.now()).rows
    return [contact_out(contact, status) for contact, status in rows]


@router.post(
    "/clients/{client_id}/contacts",
    response={201: s.ContactOut, **ERRORS},
    summary="Add a contact (parent, guardian, partner)",
)
def add_contact(request: HttpRequest, client_id: UUID, payload: s.ContactIn) -> HttpResponse:
    """The People tab's form: with portal access on, an email is needed (nothing is sent
    yet: send the contact's invitation when ready)."""
    client = client_for_key(request, client_id, Can.EDIT_CLIENTS)

    def run() -> HttpResponse:
        data = _keep_typo(
            payload.model_dump(exclude={"keep_email_as_typed"}), keep=payload.keep_email_as_typed
        )
        form = ContactForm(data)
        if not form.is_valid():
            raise invalid(form_errors(form.errors.as_data()))
        contact = people.add_contact(client, by=actor(request), **form.details())
        contact.client = client
        return _contact_response(contact, status=201)

    return idempotent(request, run)


@router.get(
    "/clients/{client_id}/contacts/{contact_id}",
    response={200: s.ContactOut, **ERRORS},
    summary="Get a contact",
)
def get_contact(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    return _contact_response(contact_for_key(request, client_id, contact_id, Can.VIEW_CLIENTS))


@router.delete(
    "/clients/{client_id}/contacts/{contact_id}",
    response={204: None, **ERRORS},
    summary="Remove a contact",
)
def remove_contact(request: HttpRequest, client_id: UUID, contact_id: UUID) -> Status[None]:
    """Their access to this client ends; their access to anyone else is unchanged."""
    contact = contact_for_key(request, client_id, contact_id, Can.EDIT_CLIENTS)
    people.remove_contact(contact, by=actor(request))
    return Status(204, None)
