"""Which language an email is written in: its recipient's.

Callers of ``queue_email`` say whom they write to (``to``, the ``client`` it is
about, the ``link`` it carries) and rarely who that person is; this module finds
out, so every feature's emails follow the person's language without each one
looking it up:

1. Staff emails (``rendering.STAFF_KINDS``): English.
2. An email carrying a link: the language of the person the link is for
   (the client, the contact, or a portal account's person).
3. An email about a client: the contact of that client whose address is ``to``
   (a parent's copy is in the parent's language), else the client's own language.
4. Otherwise English.

A batch is resolved with one query for the contacts, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings

from portico.mail.rendering import STAFF_KINDS, email_language

if TYPE_CHECKING:
    from portico.access.models import AccessLink
    from portico.clients.models import Client

DEFAULT = settings.LANGUAGE_CODE


class Recipient(NamedTuple):
    to: str
    client: Client | None
    link: AccessLink | None


def recipient_languages(kind: str, recipients: Sequence[Recipient]) -> list[str]:
    """The language each recipient's email of ``kind`` is written in."""
    if kind in STAFF_KINDS:
        return [DEFAULT] * len(recipients)
    from portico.clients.models import Contact
    from portico.portal.language import link_language

    about = {r.client.pk for r in recipients if r.link is None and r.client is not None}
    addresses = {r.to.lower() for r in recipients if r.link is None and r.client is not None}
    contacts: dict[tuple[int, str], str] = {}
    if about:
        rows = Contact.objects.filter(
            client_id__in=about, email__in=addresses, removed_at__isnull=True
        ).values_list("client_id", "email", "language")
        contacts = {(client_id, email.lower()): language for client_id, email, language in rows}
    languages = []
    for recipient in recipients:
        if recipient.link is not None:
            language = link_language(recipient.link)
        elif recipient.client is not None:
            language = contacts.get(
                (recipient.client.pk, recipient.to.lower()), recipient.client.language
            )
        else:
            language = DEFAULT
        languages.append(email_language(kind, language))
    return languages
