"""The appointment emails: booked, changed, cancelled, reminder.

PHI-free by construction: the renderer only ever receives the date and time
(with the practice's zone), "In person" or "Video", the location name, the
practice's details and two links (the portal list and the calendar file). No
reason, no note for the client, no clinician, no specialty.

Recipients: for an adult client, the client (default address) and every contact
whose portal access to this client is on; for a minor, the contacts with access
on (the guardians) only. Each person's email-notification switch is respected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portico.access.models import PortalAccess
from portico.access.queries import default_address
from portico.appointments.models import Appointment, AppointmentKind
from portico.clients.minors import is_minor
from portico.lib.localtime import practice_today
from portico.lib.urls import practice_url
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.outbox import EmailToQueue, queue_emails
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature


@dataclass(frozen=True)
class Recipient:
    address: str
    greeting_name: str


def recipients(appointment: Appointment) -> list[Recipient]:
    client = appointment.client
    people: list[Recipient] = []
    if not is_minor(client, practice_today(appointment.practice)) and (
        client.email_notifications_enabled
    ):
        address = default_address(client)
        if address:
            people.append(Recipient(address, client.greeting_name))
    accesses = (
        PortalAccess.objects.filter(
            client=client,
            practice_id=client.practice_id,
            contact__isnull=False,
            enabled=True,
            ended_at=None,
            contact__removed_at=None,
            contact__email_notifications_enabled=True,
        )
        .select_related("contact")
        .order_by("id")
    )
    seen = {person.address.lower() for person in people}
    for access in accesses:
        contact = access.contact
        if contact is None or not contact.email or contact.email.lower() in seen:
            continue
        seen.add(contact.email.lower())
        people.append(Recipient(contact.email, contact.greeting_name))
    return people


def email_context(appointment: Appointment) -> dict[str, Any]:
    """The only values an appointment email is rendered with."""
    practice = appointment.practice
    return {
        "link": practice_url(practice, "portal_appointments:list"),
        "calendar_link": practice_url(practice, "portal_appointments:ics", appointment.public_id),
        "appointment_when": appointment.starts_at,  # shown with the practice's zone named
        "appointment_kind": AppointmentKind(appointment.kind).label,
        "appointment_place": appointment.location,
    }


def send_appointment_email(appointment: Appointment, kind: EmailKind) -> list[OutboundEmail]:
    """Queue ``kind`` to everyone who should hear of it. Call inside the action's transaction.

    Nothing is sent while the practice has the portal's appointments off: the emails'
    links lead to portal pages that do not exist then (staff still keep the schedule).
    """
    if not feature_on(appointment.practice, PortalFeature.APPOINTMENTS):
        return []
    context = email_context(appointment)
    emails = [
        EmailToQueue(
            to=person.address,
            context={**context, "greeting_name": person.greeting_name},
            client=appointment.client,
        )
        for person in recipients(appointment)
    ]
    if not emails:
        return []
    return queue_emails(practice=appointment.practice, kind=kind, emails=emails)
