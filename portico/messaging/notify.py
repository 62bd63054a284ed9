"""The "new message" email: who gets it, and the 15-minute throttle.

Recipients are the people on the client's side: the client (with an address on
file) and each contact who was given portal access to this client (access on or
off: someone who cannot sign in is still told that a message is waiting, as the
practice's clients are promised), each only if their email-notification switch
is on. The email says only that a message is waiting, with the portal link.

At most one email per person per ``THROTTLE`` while they have not read: a later
message joins the earlier email. Reading (opening the conversation) resets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portico.access.models import PortalAccess, RevokeReason
from portico.access.queries import contact_accesses, default_address
from portico.clients.contact_queries import current_contacts
from portico.clients.models import Client, Contact
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import EmailToQueue, queue_emails
from portico.messaging.models import Conversation, PortalReader

THROTTLE = timedelta(minutes=15)


def may_notify(reader: PortalReader, now: datetime) -> bool:
    """Whether a new message may be emailed to this person now (the one place the rule lives)."""
    last = reader.notified_at
    if last is None:
        return True
    read_since = reader.read_at is not None and reader.read_at >= last
    return read_since or now - last >= THROTTLE


@dataclass(frozen=True)
class Recipient:
    contact: Contact | None  # None: the client themself
    address: str
    greeting_name: str


def recipients(client: Client) -> list[Recipient]:
    """Everyone on the client's side who should hear of a new message from the practice."""
    people: list[Recipient] = []
    if client.email_notifications_enabled:
        address = default_address(client)
        if address:
            people.append(Recipient(None, address, client.greeting_name))
    contacts = [c for c in current_contacts(client) if c.email_notifications_enabled and c.email]
    accesses = contact_accesses([contact.pk for contact in contacts])
    for contact in contacts:
        access = accesses.get(contact.pk)
        if access is not None and (access.ended_at is None or _switched_off(access)):
            people.append(Recipient(contact, contact.email, contact.greeting_name))
    return people


def _switched_off(access: PortalAccess) -> bool:
    """Staff turned the contact's access off (not revoked, not removed): they are still told."""
    return access.ended_reason == RevokeReason.ACCESS_DISABLED


def readers_by_person(conversation: Conversation) -> dict[int | None, PortalReader]:
    """The conversation's reader rows, by contact id (None: the client)."""
    return {reader.contact_id: reader for reader in conversation.readers.all()}


def notify_new_message(conversation: Conversation, *, now: datetime) -> int:
    """Queue the "new message" email to each person the throttle allows; returns how many.

    Call inside the transaction that wrote the message, with the conversation row locked.
    """
    client = conversation.client
    practice = client.practice
    readers = readers_by_person(conversation)
    link = practice_url(practice, "portal_messages:conversation")
    emails: list[EmailToQueue] = []
    notified: list[int | None] = []
    for person in recipients(client):
        key = person.contact.pk if person.contact else None
        reader = readers.get(key) or PortalReader(conversation=conversation, contact=person.contact)
        if not may_notify(reader, now):
            continue  # joins the email sent less than 15 minutes ago, still unread
        emails.append(
            EmailToQueue(
                to=person.address,
                context={"greeting_name": person.greeting_name, "link": link},
                client=client,
            )
        )
        notified.append(key)
    if not emails:
        return 0
    queue_emails(practice=practice, kind=EmailKind.NEW_MESSAGE, emails=emails)
    for key in notified:
        PortalReader.set_for(conversation, key, notified_at=now)
    return len(emails)
