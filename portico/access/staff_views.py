"""Staff buttons on the client page's portal-access panel. POST only; each one action.

Lookups go through ``get_client_for_staff`` with the capability the button
needs: another practice's client, or a role without it, is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from portico.access import actions
from portico.access.actions import AccessRefused, SentLink
from portico.access.forms import TemporaryPasswordForm
from portico.access.queries import portal_account_for
from portico.access.wording import short_day_and_time
from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.clients.queries import get_client_for_staff
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


def _client(
    request: HttpRequest, public_id: UUID, capability: Can, methods: tuple[str, ...] = ("POST",)
) -> Client:
    """The scoped lookup first (404 to outsiders, whatever the method), then the method."""
    signed_in = cast(SignedInRequest, request)
    client = get_client_for_staff(
        signed_in.user, signed_in.practice, public_id, capability=capability
    )
    if request.method not in methods:
        raise MethodNotAllowed(methods)
    return client


class MethodNotAllowed(Exception):
    def __init__(self, methods: tuple[str, ...]) -> None:
        super().__init__(", ".join(methods))
        self.methods = methods


def post_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except MethodNotAllowed as refused:
            return HttpResponseNotAllowed(list(refused.methods))

    return wrapper


def _back(client: Client) -> HttpResponse:
    return redirect("clients:detail", client.public_id)


def sent_message(client: Client, sent: SentLink) -> str:
    expires = short_day_and_time(client.practice, sent.link.expires_at)
    left = f"{sent.sends_left} more send{'s' if sent.sends_left != 1 else ''} allowed today."
    if sent.kind == "reset":
        return (
            f"{client.greeting_name} already has a portal account, so a password-reset link "
            f"was sent to {sent.link.email}. It works until {expires}. {left}"
        )
    return f"Portal invitation sent to {sent.link.email}. It works until {expires}. {left}"


def _send_view(send: Callable[..., SentLink]) -> Callable[[HttpRequest, UUID], HttpResponse]:
    @staff_required()
    @post_only
    def view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        client = _client(request, public_id, Can.SEND_INVITES)
        email = request.POST.get("email") or None
        try:
            if send is actions.send_password_reset:
                sent = send(client, by=Actor.from_request(request))
            else:
                sent = send(client, by=Actor.from_request(request), email=email)
        except AccessRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, sent_message(client, sent))
        return _back(client)

    return view


send_invite = _send_view(actions.send_invite)
resend_invite = _send_view(actions.send_invite)
send_reset = _send_view(actions.send_password_reset)
reset_and_resend_welcome = _send_view(actions.reset_password_and_resend_welcome)


@never_cache
@staff_required()
@post_only
def temporary_password(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.SET_TEMPORARY_PASSWORD, ("GET", "POST"))
    form = TemporaryPasswordForm(request.POST or None)
    context = {"client": client, "form": form, "account": portal_account_for(client)}
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
            account = portal_account_for(client)
            return render(
                request,
                "access/temporary_password_set.html",
                {"client": client, "password": password, "account": account},
            )
    return render(request, "access/temporary_password.html", context)


@staff_required()
@post_only
def disable(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = _client(request, public_id, Can.TOGGLE_PORTAL_ACCESS)
    actions.disable_portal_access(client, by=Actor.from_request(request))
    messages.success(
        request,
        f"Portal access turned off for {client.greeting_name}: they cannot sign in, even with "
        "the right password. Open sessions ended and emailed links were cancelled.",
    )
    return _back(client)


@staff_required()
@post_only
def enable(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
@post_only
def unlock(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
