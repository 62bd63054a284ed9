"""The language a client or contact reads the portal and their emails in.

Staff set it on the client's Personal information page and on a contact's form;
the person changes their own in the portal. Every change is audited
(``language.changed``) with the old and new language, never anything else.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from portico.access.models import PortalAccess
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client, Contact

LANGUAGE_NAMES = dict(settings.LANGUAGES)
Where = Literal["staff", "portal"]


def check_language(language: str) -> str:
    if language not in LANGUAGE_NAMES:
        raise ValidationError(f"Not a language Portico speaks: {language!r}")
    return language


@transaction.atomic
def set_language(person: Client | Contact, *, language: str, by: Actor, where: Where) -> bool:
    """Set ``person``'s language; True when it changed (and was audited)."""
    check_language(language)
    previous = person.language
    if previous == language:
        return False
    person.language = language
    person.save(update_fields=["language"])
    client = person if isinstance(person, Client) else person.client
    who = "the client" if isinstance(person, Client) else f"contact {person.full_name}"
    record(
        Action.LANGUAGE_CHANGED,
        practice=client.practice,
        actor=by,
        client=client,
        details={
            "previous": LANGUAGE_NAMES.get(previous, previous),
            "language": LANGUAGE_NAMES[language],
            "person": who,
            "where": where,
        },
    )
    return True


@transaction.atomic
def set_own_language(accesses: list[PortalAccess], *, language: str, by: Actor) -> int:
    """A portal account's person sets their language: on every record they are (their own
    client record, and each contact record they act as). Returns how many changed."""
    check_language(language)
    people: dict[tuple[str, int], Client | Contact] = {}
    for access in accesses:
        person: Client | Contact = access.contact if access.contact is not None else access.client
        people[(type(person).__name__, person.pk)] = person
    return sum(
        set_language(person, language=language, by=by, where="portal") for person in people.values()
    )
