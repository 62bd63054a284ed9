"""The named cast every test can use, built by calling real actions.

- Maple Counseling (``maple``): Olivia the owner, Frank at the front desk,
  Casey the client (with an email), Noah a client without one.
- Birch Therapy (``birch``): Oscar, the outsider who must never see Maple's data.
- The guardian family at Maple (``family``): Pat Parent, parent of Mia and Leo,
  one contact record per child, one address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import EndedAccess, end_access, send_contact_invite
from portico.access.models import AccessLink, PortalAccess, RevokeReason
from portico.access.people import add_client, add_contact
from portico.access.queries import contact_access, own_access
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client, Contact
from portico.lib.urls import practice_path
from portico.mail.models import OutboundEmail
from portico.practices.actions import add_staff_member, create_practice
from portico.practices.models import Practice, Role

PASSWORD = "correct horse battery staple"
CASEY_DOB = date(1990, 4, 12)


def at(practice: Practice, name: str, *args: Any, **kwargs: Any) -> str:
    """The development-mode path of a practice page: /p/<slug>/..."""
    return f"/p/{practice.slug}{practice_path(name, *args, **kwargs)}"


def make_practice(
    slug: str, name: str, owner_email: str, owner_first: str
) -> tuple[Practice, User]:
    practice, owner = create_practice(
        slug=slug,
        name=name,
        owner_email=owner_email,
        owner_first_name=owner_first,
        owner_last_name="Owner",
        owner_password=PASSWORD,
    )
    # New practices require staff two-factor sign-in; the cast's practices do not, so a
    # test about anything else signs in with a password. tests/twofactor turn it on.
    Practice.objects.filter(pk=practice.pk).update(require_staff_two_factor=False)
    practice.require_staff_two_factor = False
    return practice, owner


def make_staff(practice: Practice, owner: User, email: str, first: str, role: Role) -> User:
    return add_staff_member(
        practice,
        email=email,
        first_name=first,
        last_name="Staff",
        role=role,
        password=PASSWORD,
        by=Actor.for_user(owner),
    )


def make_client(
    practice: Practice,
    by: User,
    first: str,
    last: str,
    *,
    emails: tuple[str, ...] = (),
    dob: date = CASEY_DOB,
    send_invitation: bool = False,
    **extra: Any,
) -> Client:
    """A client, not invited unless asked: tests send invitations themselves."""
    return add_client(
        practice,
        by=Actor.for_user(by),
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        emails=emails,
        send_invitation=send_invitation,
        **extra,
    )


def by(user: object) -> Actor:
    return Actor.for_user(user)  # type: ignore[arg-type]


def token_of(carrier: AccessLink | OutboundEmail) -> str:
    """The raw token of a link, read back from its queued email (the only place it exists)."""
    if isinstance(carrier, AccessLink):
        carrier = OutboundEmail.objects.filter(link=carrier).latest("created_at", "pk")
    link = carrier.link
    marker = "/welcome/" if link is not None and link.purpose == "client_invite" else "/reset/"
    text = carrier.text_body
    start = text.index(marker) + len(marker)
    return text[start:].split("/")[0].split()[0]


# --- the guardian family ------------------------------------------------------------------

MIA_DOB = date(2014, 5, 2)
LEO_DOB = date(2016, 9, 10)
PAT_EMAIL = "pat.parent@example.com"


@dataclass
class Family:
    mia: Client
    leo: Client
    pat_for_mia: Contact
    pat_for_leo: Contact


def make_family(practice: Practice, owner: User) -> Family:
    mia = make_client(practice, owner, "Mia", "Parent", dob=MIA_DOB)
    leo = make_client(practice, owner, "Leo", "Parent", dob=LEO_DOB)
    return Family(
        mia=mia,
        leo=leo,
        pat_for_mia=parent_of(mia, owner),
        pat_for_leo=parent_of(leo, owner),
    )


def parent_of(
    client: Client, owner: User, *, first: str = "Pat", email: str = PAT_EMAIL
) -> Contact:
    return add_contact(
        client,
        by=Actor.for_user(owner),
        first_name=first,
        last_name="Parent",
        relationship="parent",
        email=email,
        is_primary=True,
        portal_access_enabled=True,
    )


def invite(contact: Contact, owner: User) -> AccessLink:
    return send_contact_invite(contact, by=Actor.for_user(owner)).link


def register_new(link: AccessLink, *, username: str | None = None) -> User:
    user = redeem_invite(
        link, by=Actor.system(), at=timezone.now(), username=username, password=PASSWORD
    )
    assert user is not None
    return user


def attach(link: AccessLink, account: User) -> User:
    user = redeem_invite(link, by=Actor.system(), at=timezone.now(), existing=account)
    assert user is not None
    return user


def open_link(http: HttpClient, practice: Practice, link: AccessLink, dob: date) -> None:
    """Open the emailed link and pass the date-of-birth step, as the browser would."""
    http.get(at(practice, "access:welcome_link", token_of(link)))
    response = http.post(
        at(practice, "access:welcome_dob"), {"date_of_birth": dob.strftime("%m/%d/%Y")}
    )
    assert response.status_code == 302, response.content[:500]


def end_contact_access(contact: Contact, *, by: Actor, reason: RevokeReason) -> EndedAccess:
    """Staff's "Revoke access for this client", on the contact's current access."""
    access = contact_access(contact)
    assert access is not None
    return end_access(access, by=by, reason=reason)


def access_of(person: Client | Contact) -> PortalAccess:
    """The person's portal-access row, which the test has already given."""
    access = own_access(person) if isinstance(person, Client) else contact_access(person)
    assert access is not None, f"{person} was never given portal access"
    return access
