"""The "a form is waiting" email: who gets it, and the few values it may show.

It goes to each person who acts for the client through a portal account that
works now (the client themself, and contacts such as a minor's parents), to the
address on file, unless that person switched email notifications off. Someone who
has not set up their account gets nothing: their invitation leads them to the form
after registration. The email names the form only when it is not marked sensitive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portico.access.models import PortalAccess
from portico.clients.models import Client, ClientEmail
from portico.intake.models import Form
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import EmailToQueue, queue_emails


@dataclass(frozen=True)
class Recipient:
    address: str
    greeting_name: str


def form_email_recipients(client: Client) -> list[Recipient]:
    accesses = (
        PortalAccess.objects.filter(
            practice_id=client.practice_id,
            client=client,
            enabled=True,
            ended_at=None,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("contact")
        .order_by("contact_id", "id")
    )
    recipients: list[Recipient] = []
    for access in accesses:
        contact = access.contact
        if contact is None:
            if not client.email_notifications_enabled:
                continue
            default = ClientEmail.objects.filter(client=client, is_default=True).first()
            if default is not None:
                recipients.append(Recipient(default.address, client.greeting_name))
        elif contact.removed_at is None and contact.email_notifications_enabled and contact.email:
            recipients.append(Recipient(contact.email, contact.greeting_name))
    unique: dict[str, Recipient] = {}
    for recipient in recipients:
        unique.setdefault(recipient.address.lower(), recipient)
    return list(unique.values())


def form_email_context(form: Form, greeting_name: str) -> dict[str, Any]:
    """What the email may show: never the title of a sensitive form."""
    context: dict[str, Any] = {
        "greeting_name": greeting_name,
        "link": practice_url(form.practice, "portal_forms:list"),
    }
    if not form.sensitive:
        context["form_title"] = form.title
    return context


def queue_form_waiting(client: Client, form: Form) -> list[str]:
    """Queue the emails (inside the caller's transaction); returns the addresses."""
    recipients = form_email_recipients(client)
    queue_emails(
        practice=form.practice,
        kind=EmailKind.FORM_WAITING,
        emails=[
            EmailToQueue(
                to=r.address, context=form_email_context(form, r.greeting_name), client=client
            )
            for r in recipients
        ],
    )
    return [r.address for r in recipients]
