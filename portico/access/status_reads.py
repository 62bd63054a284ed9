"""Reading the facts ``derive_status`` needs, for one person, a client page or a list.

Every read here takes a constant number of queries whatever the number of people:
the latest links, send times and emails are read per person with window functions,
never one query per row. The deciding itself stays in ``portico.access.status``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from portico.access.limits import SELF_SERVICE_WINDOW, SEND_WINDOW
from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, PortalAccess
from portico.access.queries import contact_accesses, own_accesses
from portico.access.status import AccessFacts, AccessStatus, derive_status
from portico.audit.queries import history_for_client
from portico.clients.models import Client, ClientEmail, Contact
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice

# --- reading the facts for many people at once -------------------------------------------


Person = tuple[int, int | None]  # (client id, contact id or None for the client themself)


@dataclass(frozen=True)
class LinkSummaries:
    latest: dict[Person, AccessLink]
    staff_sent: dict[Person, list[datetime]]  # staff send times inside the resend window
    self_service_sent: dict[Person, list[datetime]]  # "Forgot password?" emails, last 24 h
    emails: dict[int, OutboundEmail]


def _latest_links(links: QuerySet[AccessLink], at: datetime) -> LinkSummaries:
    """Per person (across their access rows), in 3 queries: the latest link, the send times
    inside each budget's window (staff and self-service apart), and the email that
    carried each latest link (the newest, when it was emailed twice)."""
    person = [F("access__client_id"), F("access__contact_id")]
    links = links.annotate(person_client=person[0], person_contact=person[1])
    latest: dict[Person, AccessLink] = {
        (link.person_client, link.person_contact): link
        for link in links.annotate(
            row=Window(
                RowNumber(),
                partition_by=person,
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        ).filter(row=1)
    }
    staff_sent: dict[Person, list[datetime]] = defaultdict(list)
    self_service_sent: dict[Person, list[datetime]] = defaultdict(list)
    since = at - max(SEND_WINDOW, SELF_SERVICE_WINDOW)
    recent = links.filter(created_at__gt=since).values_list(
        "person_client", "person_contact", "created_at", "self_service"
    )
    for client_id, contact_id, created_at, self_service in recent:
        (self_service_sent if self_service else staff_sent)[(client_id, contact_id)].append(
            created_at
        )
    emails: dict[int, OutboundEmail] = {}
    for email in OutboundEmail.objects.filter(
        link_id__in=[link.pk for link in latest.values()]
    ).order_by("created_at", "id"):
        emails[email.link_id] = email  # type: ignore[index]  # the newest wins
    return LinkSummaries(latest, staff_sent, self_service_sent, emails)


def _account_self_service(
    people: Sequence[tuple[Client, Contact | None, PortalAccess | None]], at: datetime
) -> dict[int, list[datetime]]:
    """The "Forgot password?" emails of contacts' own accounts (a parent's resets belong
    to the account, not to one client), in one query (none without such accounts)."""
    accounts = {
        access.user_id
        for _, contact, access in people
        if contact is not None and access is not None and access.user_id and not access.ended_at
    }
    sent: dict[int, list[datetime]] = defaultdict(list)
    if not accounts:
        return sent
    for user_id, created_at in AccessLink.objects.filter(
        user_id__in=accounts,
        access__isnull=True,
        purpose__in=CLIENT_PURPOSES,
        self_service=True,
        created_at__gt=at - SELF_SERVICE_WINDOW,
    ).values_list("user_id", "created_at"):
        sent[user_id].append(created_at)
    return sent


def statuses_for(
    practice: Practice,
    people: Sequence[tuple[Client, Contact | None, PortalAccess | None]],
    at: datetime,
    *,
    addresses: dict[int, str] | None = None,
) -> list[AccessStatus]:
    """The statuses of many people of one practice, in a constant number of queries.

    ``people``: (client, contact or None for the client themself, their current access).
    ``addresses``: the clients' default addresses when already known (saves a query).
    """
    own = [client.pk for client, contact, _ in people if contact is None]
    contacts = [contact.pk for _, contact, _ in people if contact is not None]
    links = AccessLink.objects.filter(
        Q(access__client_id__in=own, access__contact__isnull=True)
        | Q(access__contact_id__in=contacts),
        practice=practice,
        purpose__in=CLIENT_PURPOSES,
    )
    summaries = _latest_links(links, at)
    account_requests = _account_self_service(people, at)
    if addresses is None:
        addresses = dict(
            ClientEmail.objects.filter(client_id__in=own, is_default=True).values_list(
                "client_id", "address"
            )
        )
    result = []
    for client, contact, access in people:
        person = (client.pk, contact.pk if contact is not None else None)
        link = summaries.latest.get(person)
        facts = AccessFacts(
            practice=practice,
            client=client,
            contact=contact,
            link=link,
            email=summaries.emails.get(link.pk) if link else None,
            address=(contact.email if contact is not None else addresses.get(client.pk)) or "",
            sent=summaries.staff_sent[person],
            self_service_sent=(
                account_requests.get(access.user_id or 0, [])
                if contact is not None and access is not None
                else summaries.self_service_sent[person]
            ),
            at=at,
        )
        result.append(derive_status(access, facts))
    return result


# --- page reads ---------------------------------------------------------------------------


def portal_statuses(
    clients: Sequence[Client], at: datetime, *, practice: Practice | None = None
) -> dict[int, AccessStatus]:
    """The clients' own statuses (the client list), in at most five queries.

    Rows annotated with ``default_email`` (the client list's queryset) save one;
    passing the ``practice`` saves another.
    """
    if not clients:
        return {}
    practice = practice or clients[0].practice  # one practice per call: fetched once
    accesses = own_accesses([client.pk for client in clients])
    addresses = None
    if all(hasattr(client, "default_email") for client in clients):
        addresses = {c.pk: c.default_email for c in clients if c.default_email}  # type: ignore[attr-defined]
    people = [(client, None, accesses.get(client.pk)) for client in clients]
    statuses = statuses_for(practice, people, at, addresses=addresses)
    return {status.client.pk: status for status in statuses}


def portal_status(client: Client, at: datetime) -> AccessStatus:
    """The client's own status, with its last few access events (for the client page)."""
    status = portal_statuses([client], at)[client.pk]
    events = history_for_client(client, 4, account=status.account, access_only=True)
    return AccessStatus(**{**status.__dict__, "events": tuple(events)})


def contact_statuses(
    contacts: Sequence[Contact], at: datetime, *, practice: Practice | None = None
) -> dict[int, AccessStatus]:
    """Statuses of contacts of one practice, in four queries whatever their number."""
    if not contacts:
        return {}
    practice = practice or contacts[0].client.practice
    accesses = contact_accesses([contact.pk for contact in contacts])
    people = [(contact.client, contact, accesses.get(contact.pk)) for contact in contacts]
    statuses = statuses_for(practice, people, at, addresses={})
    return {status.contact.pk: status for status in statuses if status.contact is not None}


def contact_status(contact: Contact, at: datetime) -> AccessStatus:
    return contact_statuses([contact], at)[contact.pk]


@dataclass(frozen=True)
class PeopleAccess:
    """The People tab: whether the client's own access is on, and each contact's status."""

    own_access_on: bool
    rows: list[tuple[Contact, AccessStatus]]


def people_access(client: Client, contacts: Sequence[Contact], at: datetime) -> PeopleAccess:
    """Each of the client's ``contacts`` with their access status, and the client's own
    switch: the access rows of all of them in one query."""
    rows = PortalAccess.objects.filter(client=client, practice_id=client.practice_id).filter(
        Q(contact__isnull=True, ended_at=None) | Q(contact_id__in=[c.pk for c in contacts])
    )
    own_on, accesses = False, {}
    for access in rows.select_related("user").order_by("created_at", "id"):
        if access.contact_id is None:
            own_on = access.enabled
        else:
            accesses[access.contact_id] = access  # the latest wins
    for contact in contacts:
        contact.client = client
    people = [(contact.client, contact, accesses.get(contact.pk)) for contact in contacts]
    statuses = statuses_for(client.practice, people, at, addresses={})
    return PeopleAccess(
        own_access_on=own_on,
        rows=[(contact, status) for contact, status in zip(contacts, statuses, strict=True)],
    )
