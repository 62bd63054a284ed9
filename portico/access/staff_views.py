"""Staff buttons of a person's portal access on the client page: one action each.

Lookups go through ``get_client_for_staff`` with the capability the button
needs (and the contact among that client's current contacts): another
practice's client, or a role without it, is a 404 — the method is checked
after the lookup, so the 404 comes first whatever the method.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portico.access import actions
from portico.access.actions import AccessRefused, SentLink
from portico.access.forms import TemporaryPasswordForm
from portico.access.models import RevokeReason
from portico.access.queries import (
    access_is_on,
    contact_access,
    contacts_with_access_on,
    default_address,
    portal_account_for,
)
from portico.access.status_reads import contact_status, contact_statuses
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.contact_queries import get_contact_for_staff
from portico.clients.models import Client, Contact
from portico.clients.queries import get_client_for_staff
from portico.lib.localtime import short_day_and_time
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can
from portico.twofactor.reauth import recent_authentication_required


def _after_lookup(
    decorator: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Apply a method decorator (``require_POST``) after the view's scoped lookup:
    an outsider gets the lookup's 404 whatever the method."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        checked = decorator(lambda request, *args, **kwargs: view(request, *args, **kwargs))

        @wraps(view)
        def wrapper(
            request: SignedInRequest, public_id: UUID, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            capability = getattr(view, "capability", Can.SEND_INVITES)
            get_client_for_staff(request.user, request.practice, public_id, capability=capability)
            return checked(request, public_id, *args, **kwargs)

        return wrapper

    return wrap


def needs(capability: Can) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.capability = capability  # type: ignore[attr-defined]
        return view

    return mark


def _client(request: SignedInRequest, public_id: UUID, capability: Can) -> Client:
    return get_client_for_staff(request.user, request.practice, public_id, capability=capability)


def _contact(
    request: SignedInRequest, public_id: UUID, contact_id: UUID, capability: Can
) -> Contact:
    return get_contact_for_staff(
        request.user, request.practice, public_id, contact_id, capability=capability
    )


def _back(client: Client) -> HttpResponse:
    return redirect("clients:detail", client.public_id)


def sent_message(person: Client | Contact, sent: SentLink) -> str:
    """What staff read after a send, whoever it went to."""
    practice = person.client.practice if isinstance(person, Contact) else person.practice
    expires = short_day_and_time(practice, sent.link.expires_at)
    left = f"{sent.sends_left} more send{'s' if sent.sends_left != 1 else ''} allowed today"
    if isinstance(person, Contact):
        return (
            f"{person.full_name}: portal invitation sent to {sent.link.email}. It works until "
            f"{expires}. {left} for {person.first_name}."
        )
    if sent.kind == "reset":
        return (
            f"{person.greeting_name} already has a portal account, so a password-reset link "
            f"was sent to {sent.link.email}. It works until {expires}. {left}."
        )
    return f"Portal invitation sent to {sent.link.email}. It works until {expires}. {left}."


def _report(
    request: HttpRequest,
    person: Client | Contact,
    send: Callable[[], SentLink],
    *,
    named: bool = False,
) -> None:
    try:
        sent = send()
    except AccessRefused as refused:
        prefix = f"{person.full_name}: not sent. " if named or isinstance(person, Contact) else ""
        messages.error(request, prefix + refused.message)
        return
    text = sent_message(person, sent)
    messages.success(request, f"{person.full_name}: {text}" if named else text)


def _report_contact_invite(request: HttpRequest, contact: Contact, *, by: Actor) -> None:
    _report(request, contact, lambda: actions.send_contact_invite(contact, by=by))


def _send_view(send: Callable[..., SentLink]) -> Callable[..., HttpResponse]:
    @staff_required()
    @_after_lookup(require_POST)
    def view(request: SignedInRequest, public_id: UUID) -> HttpResponse:
        client = _client(request, public_id, Can.SEND_INVITES)
        by = Actor.from_request(request)
        if send is actions.send_password_reset:
            _report(request, client, lambda: send(client, by=by))
        else:
            email = request.POST.get("email") or None
            _report(request, client, lambda: send(client, by=by, email=email))
        return _back(client)

    return view


send_invite = _send_view(actions.send_invite)
resend_invite = _send_view(actions.send_invite)
send_reset = _send_view(actions.send_password_reset)
reset_and_resend_welcome = _send_view(actions.reset_password_and_resend_welcome)


@never_cache
@staff_required()
@_after_lookup(require_http_methods(["GET", "POST"]))
@needs(Can.SET_TEMPORARY_PASSWORD)
@recent_authentication_required(methods=["POST"])
def temporary_password(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.SET_TEMPORARY_PASSWORD)
    form = TemporaryPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password = actions.set_temporary_password(
                client,
                by=Actor.from_request(request),
                password=form.cleaned_data["password"] or None,
            )
        except ValidationError as invalid:
            form.add_error("password", invalid)
        except AccessRefused as refused:
            messages.error(request, refused.message)
            return _back(client)
        else:
            # Shown on this response only: not in messages, the session or any log.
            context = {
                "client": client,
                "password": password,
                "account": portal_account_for(client),
            }
            return render(request, "access/temporary_password_set.html", context)
    context = {"client": client, "form": form, "account": portal_account_for(client)}
    return render(request, "access/temporary_password.html", context)


@staff_required()
@_after_lookup(require_POST)
@needs(Can.TOGGLE_PORTAL_ACCESS)
def disable(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS)
    actions.disable_portal_access(client, by=Actor.from_request(request))
    messages.success(
        request,
        f"Portal access turned off for {client.greeting_name}: they cannot sign in, even with "
        "the right password. Open sessions ended and emailed links were cancelled.",
    )
    return _back(client)


@staff_required()
@_after_lookup(require_POST)
@needs(Can.TOGGLE_PORTAL_ACCESS)
def enable(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS)
    actions.enable_portal_access(client, by=Actor.from_request(request))
    account = portal_account_for(client)
    detail = (
        f"they can sign in again as {account.username}."
        if account
        else "send the invitation so they can set up their account."
    )
    messages.success(request, f"Portal access turned on for {client.greeting_name}: {detail}")
    return _back(client)


@staff_required()
@_after_lookup(require_POST)
@needs(Can.TOGGLE_PORTAL_ACCESS)
def unlock(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS)
    try:
        was_locked = actions.unlock_portal_account(client, by=Actor.from_request(request))
    except AccessRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"{client.greeting_name}'s account is unlocked: they can sign in now."
            if was_locked
            else f"{client.greeting_name}'s account was not locked; failed attempts were reset.",
        )
    return _back(client)


# --- every person of a client -------------------------------------------------------------


@staff_required()
@_after_lookup(require_http_methods(["GET", "POST"]))
def choose_recipients(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    """The welcome-email button: whom to send to, one link each, each send on its own.

    Each recipient's send is its own transaction: a refusal for one person (their
    limit reached, no address) must not undo the emails queued for the others.
    """
    client = _client(request, public_id, Can.SEND_INVITES)
    contacts = [c for c in contacts_with_access_on(client) if c.email]
    for contact in contacts:
        contact.client = client
    client_address = default_address(client) if access_is_on(client) else None
    if request.method == "POST":
        chosen = set(request.POST.getlist("recipient"))
        if not chosen:
            messages.error(request, "Choose at least one person to send the invitation to.")
        else:
            by = Actor.from_request(request)
            if "client" in chosen and client_address:
                _report(request, client, lambda: actions.send_invite(client, by=by), named=True)
            for contact in contacts:
                if str(contact.public_id) in chosen:
                    _report_contact_invite(request, contact, by=by)
            return _back(client)
    statuses = contact_statuses(contacts, timezone.now(), practice=request.practice)
    context = {
        "nav": "clients",
        "client": client,
        "client_address": client_address,
        "client_access_on": access_is_on(client),
        "rows": [(contact, statuses[contact.pk]) for contact in contacts],
    }
    return render(request, "access/choose_recipients.html", context)


@staff_required()
@_after_lookup(require_POST)
def send_contact_invite(
    request: SignedInRequest, public_id: UUID, contact_id: UUID
) -> HttpResponse:
    contact = _contact(request, public_id, contact_id, Can.SEND_INVITES)
    by = Actor.from_request(request)
    _report(request, contact, lambda: actions.send_contact_invite(contact, by=by))
    return _back(contact.client)


@staff_required()
@_after_lookup(require_http_methods(["GET", "POST"]))
@needs(Can.TOGGLE_PORTAL_ACCESS)
def end_contact_access(request: SignedInRequest, public_id: UUID, contact_id: UUID) -> HttpResponse:
    """GET: what will happen, and a confirm button. POST: end it."""
    contact = _contact(request, public_id, contact_id, Can.TOGGLE_PORTAL_ACCESS)
    client = contact.client
    access = contact_access(contact)
    if request.method == "POST":
        ended = (
            actions.end_access(
                access, by=Actor.from_request(request), reason=RevokeReason.REVOKED_BY_STAFF
            )
            if access is not None
            else actions.EndedAccess(links_revoked=0, grant_ended=False)
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
        return _back(client)
    status = contact_status(contact, timezone.now())
    context = {"nav": "clients", "client": client, "contact": contact, "status": status}
    return render(request, "access/end_contact_access.html", context)
