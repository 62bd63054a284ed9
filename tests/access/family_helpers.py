"""A family for the access and portal tests: Pat Parent, guardian of Mia and Leo at Maple."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.family import send_contact_invite
from portico.access.family_registration import complete_contact_registration
from portico.access.models import AccessLink
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.contact_actions import add_contact
from portico.clients.models import Client, Contact
from portico.practices.models import Practice
from tests.access.helpers import token_of
from tests.cast import PASSWORD, at, make_client

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
    user = complete_contact_registration(
        link, by=Actor.system(), at=timezone.now(), username=username, password=PASSWORD
    )
    assert user is not None
    return user


def attach(link: AccessLink, account: User) -> User:
    user = complete_contact_registration(
        link, by=Actor.system(), at=timezone.now(), existing=account
    )
    assert user is not None
    return user


def open_link(http: HttpClient, practice: Practice, link: AccessLink, dob: date) -> None:
    """Open the emailed link and pass the date-of-birth step, as the browser would."""
    http.get(at(practice, "access:welcome_link", token_of(link)))
    response = http.post(
        at(practice, "access:welcome_dob"), {"date_of_birth": dob.strftime("%m/%d/%Y")}
    )
    assert response.status_code == 302, response.content[:500]
