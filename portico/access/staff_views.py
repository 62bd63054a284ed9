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
from django.utils.translation import npgettext, pgettext
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
    values = {
        "email": sent.link.email,
        "expires": short_day_and_time(practice, sent.link.expires_at),
        "count": sent.sends_left,
    }
    if isinstance(person, Contact):
        return npgettext(
            "staff",
            "%(name)s: portal invitation sent to %(email)s. It works until %(expires)s. "
            "%(count)d more send allowed today for %(first_name)s.",
            "%(name)s: portal invitation sent to %(email)s. It works until %(expires)s. "
            "%(count)d more sends allowed today for %(first_name)s.",
            sent.sends_left,
        ) % (values | {"name": person.full_name, "first_name": person.first_name})
    if sent.kind == "reset":
        return npgettext(
            "staff",
            "%(name)s already has a portal account, so a password-reset link was sent to "
            "%(email)s. It works until %(expires)s. %(count)d more send allowed today.",
            "%(name)s already has a portal account, so a password-reset link was sent to "
            "%(email)s. It works until %(expires)s. %(count)d more sends allowed today.",
            sent.sends_left,
        ) % (values | {"name": person.greeting_name})
    return (
        npgettext(
            "staff",
            "Portal invitation sent to %(email)s. It works until %(expires)s. "
            "%(count)d more send allowed today.",
            "Portal invitation sent to %(email)s. It works until %(expires)s. "
            "%(count)d more sends allowed today.",
            sent.sends_left,
        )
        % values
    )


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
        if named or isinstance(person, Contact):
            messages.error(
                request,
                pgettext("staff", "%(name)s: not sent. %(reason)s")
                % {"name": person.full_name, "reason": refused.message},
            )
        else:
            messages.error(request, refused.message)
        return
    text = sent_message(person, sent)
    if named:
        # Translators: a person's name, then what was sent to them.
        text = pgettext("staff", "%(name)s: %(message)s") % {
            "name": person.full_name,
            "message": text,
        }
    messages.success(request, text)


def _ended_message(contact: Contact, client: Client, ended: actions.EndedAccess) -> str:
    values = {
        "name": contact.full_name,
        "client": client.full_name,
        "first_name": client.first_name,
    }
    if ended.grant_ended and ended.links_revoked:
        text = pgettext(
            "staff",
            "%(name)s's access to %(client)s ended: they can no longer open %(first_name)s's "
            "portal and their emailed invitation was cancelled. Their access to anyone else is "
            "unchanged.",
        )
    elif ended.grant_ended:
        text = pgettext(
            "staff",
            "%(name)s's access to %(client)s ended: they can no longer open %(first_name)s's "
            "portal. Their access to anyone else is unchanged.",
        )
    elif ended.links_revoked:
        text = pgettext(
            "staff",
            "%(name)s's access to %(client)s ended: their emailed invitation was cancelled. "
            "Their access to anyone else is unchanged.",
        )
    else:
        text = pgettext(
            "staff",
            "%(name)s's access to %(client)s ended: there was no access to end. Their access "
            "to anyone else is unchanged.",
        )
    return text % values


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
        pgettext(
            "staff",
            "Portal access turned off for %(name)s: they cannot sign in, even with the right "
            "password. Open sessions ended and emailed links were cancelled.",
        )
        % {"name": client.greeting_name},
    )
    return _back(client)


@staff_required()
@_after_lookup(require_POST)
@needs(Can.TOGGLE_PORTAL_ACCESS)
def enable(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS)
    actions.enable_portal_access(client, by=Actor.from_request(request))
    account = portal_account_for(client)
    if account:
        text = pgettext(
            "staff", "Portal access turned on for %(name)s: they can sign in again as %(username)s."
        ) % {"name": client.greeting_name, "username": account.username}
    else:
        text = pgettext(
            "staff",
            "Portal access turned on for %(name)s: send the invitation so they can set up "
            "their account.",
        ) % {"name": client.greeting_name}
    messages.success(request, text)
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
        text = (
            pgettext("staff", "%(name)s's account is unlocked: they can sign in now.")
            if was_locked
            else pgettext("staff", "%(name)s's account was not locked; failed attempts were reset.")
        )
        messages.success(request, text % {"name": client.greeting_name})
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
            messages.error(
                request, pgettext("staff", "Choose at least one person to send the invitation to.")
            )
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
        messages.success(request, _ended_message(contact, client, ended))
        return _back(client)
    status = contact_status(contact, timezone.now())
    context = {"nav": "clients", "client": client, "contact": contact, "status": status}
    return render(request, "access/end_contact_access.html", context)
