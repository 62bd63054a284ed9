"""Staff pages for family access: choosing welcome-email recipients, a contact's invite and revoke.

Every URL looks up the client with ``get_client_for_staff`` (404 to outsiders
and to roles without the capability, whatever the method), then the contact
among that client's current contacts.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from portico.access import actions, family
from portico.access.actions import AccessRefused
from portico.access.models import RevokeReason
from portico.access.queries import default_address
from portico.access.staff_views import MethodNotAllowed, _client, post_only, sent_message
from portico.access.wording import short_day_and_time
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.models import Client, Contact
from portico.practices.roles import Can


def invitable_contacts(client: Client) -> list[Contact]:
    """Current contacts of the client with portal access turned on and an email address."""
    return list(
        Contact.objects.filter(
            practice_id=client.practice_id,
            client=client,
            removed_at__isnull=True,
            portal_access_enabled=True,
        )
        .exclude(email="")
        .select_related("client__practice")
    )


def _contact(client: Client, contact_id: UUID) -> Contact:
    contact = (
        Contact.objects.filter(
            practice_id=client.practice_id,
            client=client,
            public_id=contact_id,
            removed_at__isnull=True,
        )
        .select_related("client__practice")
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    return contact


@staff_required()
@post_only
def choose_recipients(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The welcome-email button: whom to send to, one link each, each send on its own.

    Each recipient's send is its own transaction (each action is atomic): a
    refusal for one person (their limit reached, no address) must not undo the
    emails already queued for the others, and each holds the client's row lock
    only for its own send.
    """
    client = _client(request, public_id, Can.SEND_INVITES, ("GET", "POST"))
    contacts = invitable_contacts(client)
    client_address = default_address(client) if client.portal_access_enabled else None
    if request.method == "POST":
        chosen = set(request.POST.getlist("recipient"))
        if not chosen:
            messages.error(request, "Choose at least one person to send the invitation to.")
        else:
            by = Actor.from_request(request)
            if "client" in chosen and client_address:
                _report(request, client.full_name, lambda: actions.send_invite(client, by=by))
            for contact in contacts:
                if str(contact.public_id) in chosen:
                    _report(
                        request,
                        contact.full_name,
                        lambda c=contact: family.send_contact_invite(c, by=by),
                        contact=contact,
                    )
            return redirect("clients:detail", client.public_id)
    statuses = family.contact_statuses(contacts, timezone.now())
    context = {
        "nav": "clients",
        "client": client,
        "client_address": client_address,
        "rows": [(contact, statuses[contact.pk]) for contact in contacts],
    }
    return render(request, "access/choose_recipients.html", context)


def _report(request: HttpRequest, name: str, send: Any, *, contact: Contact | None = None) -> None:
    try:
        sent = send()
    except AccessRefused as refused:
        messages.error(request, f"{name}: not sent. {refused.message}")
        return
    if contact is None:
        messages.success(request, f"{name}: {sent_message(sent.link.client, sent)}")
    else:
        messages.success(request, contact_sent_message(contact, sent))


def contact_sent_message(contact: Contact, sent: actions.SentLink) -> str:
    expires = short_day_and_time(contact.client.practice, sent.link.expires_at)
    left = f"{sent.sends_left} more send{'s' if sent.sends_left != 1 else ''} allowed today"
    return (
        f"{contact.full_name}: portal invitation sent to {sent.link.email}. It works until "
        f"{expires}. {left} for {contact.first_name}."
    )


@staff_required()
@post_only
def send_contact_invite(request: HttpRequest, public_id: UUID, contact_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.SEND_INVITES, ("GET", "POST"))
    contact = _contact(client, contact_id)
    if request.method != "POST":
        raise MethodNotAllowed(("POST",))
    _report(
        request,
        contact.full_name,
        lambda: family.send_contact_invite(contact, by=Actor.from_request(request)),
        contact=contact,
    )
    return redirect("clients:detail", client.public_id)


@staff_required()
@post_only
def end_contact_access(request: HttpRequest, public_id: UUID, contact_id: UUID) -> HttpResponse:
    """GET: what will happen, and a confirm button. POST: end it."""
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS, ("GET", "POST"))
    contact = _contact(client, contact_id)
    if request.method == "POST":
        ended = family.end_contact_access(
            contact, by=Actor.from_request(request), reason=RevokeReason.REVOKED_BY_STAFF
        )
        what = []
        if ended.grant_ended:
            what.append(f"they can no longer open {client.first_name}'s portal")
        if ended.links_revoked:
            what.append("their emailed invitation was cancelled")
        detail = " and ".join(what) or "there was no access to end"
        messages.success(
            request,
            f"{contact.full_name}'s access to {client.full_name} ended: {detail}. "
            "Their access to anyone else is unchanged.",
        )
        return redirect("clients:detail", client.public_id)
    status = family.contact_status(contact, timezone.now())
    return render(
        request,
        "access/end_contact_access.html",
        {"nav": "clients", "client": client, "contact": contact, "status": status},
    )
