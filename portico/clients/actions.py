"""Writes for clients and their email addresses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.emails import normalize_email
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice


@transaction.atomic
def add_client(
    practice: Practice,
    *,
    by: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    preferred_name: str = "",
    phone: str = "",
    emails: Sequence[str] = (),
    portal_access_enabled: bool = True,
    email_notifications_enabled: bool = True,
) -> Client:
    """Add a client; the first email address becomes the default."""
    client = Client(
        practice=practice,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        portal_access_enabled=portal_access_enabled,
        email_notifications_enabled=email_notifications_enabled,
    )
    client.full_clean()
    client.save()
    addresses = list(dict.fromkeys(normalize_email(address) for address in emails))
    ClientEmail.objects.bulk_create(
        ClientEmail(practice=practice, client=client, address=address, is_default=index == 0)
        for index, address in enumerate(addresses)
    )
    record(
        "client.added",
        practice=practice,
        actor=by,
        client=client,
        details={"emails": addresses},
    )
    return client
