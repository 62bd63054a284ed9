"""Portal access of each person (the client, or one of their contacts): status and buttons.

Each operation is one of the staff buttons of ``portico.access.staff_views``: the same
action, the same refusal sentences (a refusal is a 409 problem; the resend limit a
429 with Retry-After), the same status shape after it.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from portico.access import actions, people
from portico.access.models import RevokeReason
from portico.access.queries import contact_access, portal_account_for
from portico.access.sending import SentLink
from portico.access.status_reads import contact_status, portal_status
from portico.api import schemas as s
from portico.api.auth import actor
from portico.api.idempotency import idempotent
from portico.api.lookups import client_for_key, contact_for_key
from portico.api.problems import ERRORS
from portico.api.shapes import json_response, send_out, status_out
from portico.clients.models import Client, Contact
from portico.practices.roles import Can

router = Router(tags=["portal access"])

SEND = {200: s.SendOut, **ERRORS}
ACTION = {200: s.ActionOut, **ERRORS}


def _client_sent(request: HttpRequest, client: Client, send: SentLink) -> HttpResponse:
    return json_response(s.SendOut, send_out(client, send, portal_status(client, timezone.now())))


def _client_done(client: Client, message: str) -> HttpResponse:
    status = status_out(portal_status(client, timezone.now()))
    return json_response(s.ActionOut, {"message": message, "status": status})


@router.get(
    "/clients/{client_id}/access",
    response={200: s.AccessStatusOut, **ERRORS},
    summary="A client's own portal status",
)
def client_access(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """What the client page shows: state, why, next steps, sends left and when the next
    is possible, the self-service (Forgot password?) counts."""
    client = client_for_key(request, client_id, Can.VIEW_CLIENTS)
    return json_response(s.AccessStatusOut, status_out(portal_status(client, timezone.now())))


@router.post("/clients/{client_id}/access/invite", response=SEND, summary="Send the invitation")
def send_invite(
    request: HttpRequest, client_id: UUID, payload: s.InviteIn | None = None
) -> HttpResponse:
    """To the default address (or ``email``, one of the client's addresses on file). With an
    account already set up, a password-reset link goes instead (as on the staff page)."""
    client = client_for_key(request, client_id, Can.SEND_INVITES)
    email = payload.email if payload is not None else None
    return idempotent(
        request,
        lambda: _client_sent(
            request, client, actions.send_invite(client, by=actor(request), email=email or None)
        ),
    )


@router.post("/clients/{client_id}/access/resend", response=SEND, summary="Resend the invitation")
def resend_invite(
    request: HttpRequest, client_id: UUID, payload: s.InviteIn | None = None
) -> HttpResponse:
    client = client_for_key(request, client_id, Can.SEND_INVITES)
    email = payload.email if payload is not None else None
    return idempotent(
        request,
        lambda: _client_sent(
            request, client, actions.send_invite(client, by=actor(request), email=email or None)
        ),
    )


@router.post("/clients/{client_id}/access/reset", response=SEND, summary="Send a password reset")
def send_reset(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_for_key(request, client_id, Can.SEND_INVITES)
    return idempotent(
        request,
        lambda: _client_sent(
            request, client, actions.send_password_reset(client, by=actor(request))
        ),
    )


@router.post("/clients/{client_id}/access/enable", response=ACTION, summary="Turn portal access on")
def enable(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_for_key(request, client_id, Can.TOGGLE_PORTAL_ACCESS)

    def run() -> HttpResponse:
        actions.enable_portal_access(client, by=actor(request))
        account = portal_account_for(client)
        detail = (
            f"they can sign in again as {account.username}."
            if account
            else "send the invitation so they can set up their account."
        )
        return _client_done(client, f"Portal access turned on for {client.greeting_name}: {detail}")

    return idempotent(request, run)


@router.post(
    "/clients/{client_id}/access/disable", response=ACTION, summary="Turn portal access off"
)
def disable(request: HttpRequest, client_id: UUID) -> HttpResponse:
    """They cannot sign in, even with the right password; sessions and live links end."""
    client = client_for_key(request, client_id, Can.TOGGLE_PORTAL_ACCESS)

    def run() -> HttpResponse:
        actions.disable_portal_access(client, by=actor(request))
        return _client_done(
            client,
            f"Portal access turned off for {client.greeting_name}: they cannot sign in, even "
            "with the right password. Open sessions ended and emailed links were cancelled.",
        )

    return idempotent(request, run)


@router.post(
    "/clients/{client_id}/access/unlock",
    response=ACTION,
    summary="Unlock after too many wrong passwords",
)
def unlock(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_for_key(request, client_id, Can.TOGGLE_PORTAL_ACCESS)

    def run() -> HttpResponse:
        was_locked = actions.unlock_portal_account(client, by=actor(request))
        return _client_done(
            client,
            f"{client.greeting_name}'s account is unlocked: they can sign in now."
            if was_locked
            else f"{client.greeting_name}'s account was not locked; failed attempts were reset.",
        )

    return idempotent(request, run)


# --- a contact's access to the client -----------------------------------------------------


def _contact_done(contact: Contact, message: str) -> HttpResponse:
    status = status_out(contact_status(contact, timezone.now()))
    return json_response(s.ActionOut, {"message": message, "status": status})


@router.get(
    "/clients/{client_id}/contacts/{contact_id}/access",
    response={200: s.AccessStatusOut, **ERRORS},
    summary="A contact's portal status",
)
def contact_access_status(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    contact = contact_for_key(request, client_id, contact_id, Can.VIEW_CLIENTS)
    return json_response(s.AccessStatusOut, status_out(contact_status(contact, timezone.now())))


def _send_contact(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    contact = contact_for_key(request, client_id, contact_id, Can.SEND_INVITES)

    def run() -> HttpResponse:
        sent = actions.send_contact_invite(contact, by=actor(request))
        return json_response(
            s.SendOut, send_out(contact, sent, contact_status(contact, timezone.now()))
        )

    return idempotent(request, run)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/access/invite",
    response=SEND,
    summary="Send a contact their invitation",
)
def send_contact_invite(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    return _send_contact(request, client_id, contact_id)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/access/resend",
    response=SEND,
    summary="Resend a contact their invitation",
)
def resend_contact_invite(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    return _send_contact(request, client_id, contact_id)


def _switch_contact(
    request: HttpRequest, client_id: UUID, contact_id: UUID, *, on: bool
) -> HttpResponse:
    contact = contact_for_key(request, client_id, contact_id, Can.TOGGLE_PORTAL_ACCESS)

    def run() -> HttpResponse:
        people.update_contact(contact, by=actor(request), portal_access_enabled=on)
        words = "turned on: send them the invitation when ready" if on else "turned off"
        return _contact_done(contact, f"Portal access for {contact.full_name} {words}.")

    return idempotent(request, run)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/access/enable",
    response=ACTION,
    summary="Turn a contact's portal access on",
)
def enable_contact(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    return _switch_contact(request, client_id, contact_id, on=True)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/access/disable",
    response=ACTION,
    summary="Turn a contact's portal access off",
)
def disable_contact(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    """Their access to this client ends (links and account alike), as in People."""
    return _switch_contact(request, client_id, contact_id, on=False)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/access/end",
    response=ACTION,
    summary="Revoke a contact's access to this client",
)
def end_contact_access(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    contact = contact_for_key(request, client_id, contact_id, Can.TOGGLE_PORTAL_ACCESS)

    def run() -> HttpResponse:
        access = contact_access(contact)
        ended = (
            actions.end_access(access, by=actor(request), reason=RevokeReason.REVOKED_BY_STAFF)
            if access is not None
            else actions.EndedAccess(links_revoked=0, grant_ended=False)
        )
        what = []
        if ended.grant_ended:
            what.append(f"they can no longer open {contact.client.first_name}'s portal")
        if ended.links_revoked:
            what.append("their emailed invitation was cancelled")
        detail = " and ".join(what) or "there was no access to end"
        return _contact_done(
            contact, f"{contact.full_name}'s access to {contact.client.full_name} ended: {detail}."
        )

    return idempotent(request, run)
