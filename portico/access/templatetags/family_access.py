"""``{% contact_access_rows client as rows %}``: each contact's portal status, for the access panel.

A tag rather than a view change, so the client page (another area's view) shows
the contacts without knowing about them: four queries whatever their number.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from portico.access.family_status import ContactStatus, contact_statuses
from portico.clients.models import Client, Contact

register = template.Library()


@register.simple_tag
def contact_access_rows(client: Client) -> list[ContactStatus]:
    contacts = list(
        Contact.objects.filter(
            practice_id=client.practice_id,
            client=client,
            removed_at__isnull=True,
        )
        .filter(portal_access_enabled=True)
        .select_related("client__practice")
    )
    statuses = contact_statuses(contacts, timezone.now())
    return [statuses[contact.pk] for contact in contacts]


@register.simple_tag
def contact_access_map(client: Client, contacts: list[Contact]) -> dict[int, ContactStatus]:
    """The status of each of ``contacts`` (the client's, already loaded), by contact id."""
    return contact_statuses(contacts, timezone.now(), practice=client.practice)


@register.filter
def status_for(statuses: dict[int, ContactStatus], contact: Contact) -> ContactStatus | None:
    return statuses.get(contact.pk)
