"""Model objects and derived statuses as the API's JSON shapes (see schemas.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Schema

from portico.access.sending import SentLink
from portico.access.staff_views import sent_message
from portico.access.status import AccessStatus
from portico.clients.models import Client, ClientEmail, Contact
from portico.mail.queries import delivery_state


def json_response(schema: type[Schema], data: Any, *, status: int = 200) -> HttpResponse:
    """``data`` checked against ``schema`` and rendered (for answers an Idempotency-Key keeps)."""
    body = schema.model_validate(data).model_dump_json()
    return HttpResponse(body, status=status, content_type="application/json")


def status_out(status: AccessStatus) -> dict[str, Any]:
    link, email, account = status.link, status.email, status.account
    budget = status.self_service
    return {
        "person": "contact" if status.contact is not None else "client",
        "contact_id": status.contact.public_id if status.contact is not None else None,
        "state": status.state,
        "headline": status.headline,
        "explanation": status.explanation,
        "enabled": status.enabled,
        "username": account.username if account is not None else None,
        "last_sign_in_at": account.last_login if account is not None else None,
        "has_email": status.has_email,
        "actions": [
            {"key": action.key, "label": action.label, "disabled": action.disabled}
            for action in status.actions
        ],
        "sends_left": status.sends_left,
        "next_send_at": status.next_available_at,
        "sends_text": status.sends_text,
        "link": None
        if link is None
        else {
            "purpose": link.purpose,
            "email": link.email,
            "sent_at": link.created_at,
            "expires_at": link.expires_at,
            "used_at": link.used_at,
            "revoked_at": link.revoked_at,
            "revoked_reason": link.revoked_reason or "",
            "delivery": delivery_state(email).sentence if email is not None else "",
            "delivery_state": email.status if email is not None else "",
        },
        "self_service": None
        if budget is None
        else {
            "last_hour": budget.last_hour,
            "last_day": budget.last_day,
            "left_today": budget.left_today,
        },
        "consent_note": status.consent_note,
    }


def email_out(email: ClientEmail) -> dict[str, Any]:
    return {
        "id": email.pk,
        "address": email.address,
        "is_default": email.is_default,
        "bounced_at": email.bounced_at,
        "bounce_reason": email.bounce_reason,
    }


def client_summary(client: Client, status: AccessStatus) -> dict[str, Any]:
    return {
        "id": client.public_id,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "preferred_name": client.preferred_name,
        "external_id": client.external_id,
        "default_email": getattr(client, "default_email", None),
        "archived": client.is_archived,
        "updated_at": client.updated_at,
        "portal": status_out(status),
    }


def client_out(client: Client, emails: list[ClientEmail], status: AccessStatus) -> dict[str, Any]:
    return {
        "id": client.public_id,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth,
        "phone": client.phone,
        "language": client.language,
        "external_id": client.external_id,
        "email_notifications_enabled": client.email_notifications_enabled,
        "archived": client.is_archived,
        "archived_at": client.archived_at,
        "created_at": client.created_at,
        "updated_at": client.updated_at,
        "emails": [email_out(email) for email in emails],
        "portal": status_out(status),
    }


def contact_out(contact: Contact, status: AccessStatus) -> dict[str, Any]:
    return {
        "id": contact.public_id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "relationship": contact.relationship,
        "relationship_note": contact.relationship_note,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "is_primary": contact.is_primary,
        "email_notifications_enabled": contact.email_notifications_enabled,
        "portal": status_out(status),
    }


def send_out(person: Client | Contact, sent: SentLink, status: AccessStatus) -> dict[str, Any]:
    return {
        "message": sent_message(person, sent),
        "kind": sent.kind,
        "sent_to": sent.link.email,
        "expires_at": sent.link.expires_at,
        "sends_left": sent.sends_left,
        "status": status_out(status),
    }
