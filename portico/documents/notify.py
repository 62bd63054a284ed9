"""The "document waiting" and "document requested" emails: who gets them, and the throttle.

Same rules as new messages (``portico.messaging.notify``): the client (with an
address on file) and each contact given portal access to this client (a person
whose access staff switched off is still told), each only if their
email-notification switch is on. The email names no document: no title, no
category, no file name; only that something is waiting, with the portal link.

At most one document email per person per ``THROTTLE`` while they have not looked
at their documents since: a second document shared within 15 minutes joins the
first email. Opening the documents page (or a document) resets it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from portico.clients.models import Client
from portico.documents.models import DocumentNotice
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind
from portico.mail.outbox import EmailToQueue, queue_emails
from portico.messaging.notify import recipients

THROTTLE = timedelta(minutes=15)


def may_notify(notice: DocumentNotice, now: datetime) -> bool:
    """Whether a document email may go to this person now (the one place the rule lives)."""
    last = notice.notified_at
    if last is None:
        return True
    seen_since = notice.seen_at is not None and notice.seen_at >= last
    return seen_since or now - last >= THROTTLE


def _person(contact_id: int | None) -> Q:
    """The notice row of one person: a contact, or (None) the client themself."""
    return Q(contact__isnull=True) if contact_id is None else Q(contact_id=contact_id)


def notify_documents(client: Client, *, kind: EmailKind, now: datetime) -> int:
    """Queue ``kind`` to each person the throttle allows; returns how many.

    Call inside the transaction that shared (or asked for) the document, with the
    client row locked.
    """
    practice = client.practice
    link = practice_url(practice, "portal_documents:list")
    notices = {n.contact_id: n for n in DocumentNotice.objects.filter(client=client)}
    emails: list[EmailToQueue] = []
    told: list[int | None] = []
    for person in recipients(client):
        key = person.contact.pk if person.contact else None
        notice = notices.get(key) or DocumentNotice(client=client, contact_id=key)
        if not may_notify(notice, now):
            continue  # joins the email sent less than 15 minutes ago, not looked at yet
        emails.append(
            EmailToQueue(
                to=person.address,
                context={"greeting_name": person.greeting_name, "link": link},
                client=client,
            )
        )
        told.append(key)
    if not emails:
        return 0
    queue_emails(practice=practice, kind=kind, emails=emails)
    for key in told:
        if key in notices:
            DocumentNotice.objects.filter(pk=notices[key].pk).update(notified_at=now)
        else:
            DocumentNotice.objects.create(client=client, contact_id=key, notified_at=now)
    return len(emails)


def mark_seen(client: Client, contact_id: int | None, *, now: datetime) -> None:
    """This person looked at their documents: the next one may be emailed at once."""
    updated = DocumentNotice.objects.filter(_person(contact_id), client=client).update(seen_at=now)
    if not updated:
        try:
            with transaction.atomic():  # a savepoint: two first looks at once (two tabs)
                DocumentNotice.objects.create(client=client, contact_id=contact_id, seen_at=now)
        except IntegrityError:
            DocumentNotice.objects.filter(_person(contact_id), client=client).update(seen_at=now)
