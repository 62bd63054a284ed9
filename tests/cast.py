"""The named cast every test can use, built by calling real actions.

- Maple Counseling (``maple``): Olivia the owner, Frank at the front desk,
  Casey the client (with an email), Noah a client without one.
- Birch Therapy (``birch``): Oscar, the outsider who must never see Maple's data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.actions import add_client
from portico.clients.models import Client
from portico.lib.urls import practice_path
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
    return create_practice(
        slug=slug,
        name=name,
        owner_email=owner_email,
        owner_first_name=owner_first,
        owner_last_name="Owner",
        owner_password=PASSWORD,
    )


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
