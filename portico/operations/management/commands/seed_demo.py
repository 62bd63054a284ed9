"""manage.py seed_demo: the demo practice, created once, and how to sign in to it.

Every state group is one function that builds its clients with real actions, so
a new state (invited, active, expired, locked ...) is one more function added to
STATE_GROUPS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from portico.access import demo_language
from portico.access.demo_language import SOFIA_EMAIL
from portico.access.people import add_client
from portico.accounts.models import User, UserKind
from portico.api.keys import replace_key
from portico.api.models import KeyRole
from portico.appointments.demo import seed_appointments_demo
from portico.appointments.telehealth_demo import seed_telehealth_demo
from portico.audit.actor import Actor
from portico.clients.actions import archive_client
from portico.clients.models import Client
from portico.documents.demo import seed_documents_demo
from portico.intake.demo import seed_forms_demo
from portico.lib.urls import practice_base_url, practice_url
from portico.messaging.demo import seed_messages_demo
from portico.operations.demo import (
    DEMO_CLIENT_PASSWORD,
    DEMO_PARENT_EMAIL,
    seed_access_states,
    seed_family,
)
from portico.practices import demo_brand
from portico.practices.actions import add_staff_member, create_practice
from portico.practices.models import Practice, Role
from portico.problems import demo as problems_demo
from portico.profiles.demo import seed_profile_demo
from portico.scheduling.demo import seed_scheduling_demo
from portico.twofactor import demo as two_factor_demo

SLUG = "lakeside"
NAME = "Lakeside Therapy"
PASSWORD = "lakeside-demo-2026"  # noqa: S105 (a published demo password)
OWNER_EMAIL = "owner@lakeside.test"
FRONT_DESK_EMAIL = "frontdesk@lakeside.test"
API_KEY_NAME = "Demo integration"


@dataclass
class Demo:
    practice: Practice
    owner: Actor
    front_desk: Actor
    by_state: dict[str, Client] = field(default_factory=dict)  # one client per portal state
    parent: User | None = None  # the parent of two


def add(
    demo: Demo, first: str, last: str, born: date, *, by: Actor | None = None, **extra: Any
) -> Client:
    return add_client(
        demo.practice,
        by=by or demo.front_desk,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        **{"send_invitation": False, **extra},
    )


def with_one_email(demo: Demo) -> None:
    people = [
        ("Amelia", "Hart", date(1988, 3, 14), "amelia.hart@example.com"),
        ("Ben", "Okafor", date(1979, 11, 2), "ben.okafor@example.net"),
        ("Chloe", "Nguyen", date(1995, 7, 21), "chloe.nguyen@example.org"),
        ("Daniel", "Reyes", date(1969, 1, 30), "dreyes@example.com"),
        ("Elena", "Petrova", date(1991, 9, 9), "elena.petrova@example.com"),
        ("Farid", "Haddad", date(1983, 5, 17), "farid.h@example.net"),
        ("Grace", "Kim", date(2000, 12, 1), "grace.kim@example.com"),
        ("Hugo", "Martin", date(1974, 4, 25), "hugo.martin@example.org"),
        ("Isla", "Murphy", date(1998, 2, 11), "isla.murphy@example.com"),
        ("Jonah", "Fischer", date(1986, 8, 19), "jonah.fischer@example.com"),
        # Typed with capitals; stored with the domain lowercased.
        ("Yara", "Ellis", date(1989, 10, 10), "Yara.Ellis@Example.COM"),
    ]
    for first, last, born, email in people:
        add(demo, first, last, born, emails=[email])
    add(
        demo,
        "Katherine",
        "Lowe",
        date(1990, 6, 6),
        preferred_name="Kate",
        emails=["kate.lowe@example.com"],
    )
    add(
        demo,
        "Robert",
        "Young",
        date(1958, 10, 3),
        preferred_name="Bobby",
        emails=["bobby.young@example.net"],
    )


def with_several_emails(demo: Demo) -> None:
    add(
        demo,
        "Liam",
        "Walsh",
        date(1985, 3, 3),
        emails=["liam.walsh@work.example.com", "liam@example.net"],
    )
    add(
        demo,
        "Maya",
        "Singh",
        date(1993, 11, 27),
        emails=["maya.singh@example.com", "maya.s@example.org", "msingh@uni.example.edu"],
    )
    add(
        demo,
        "Nora",
        "Quinn",
        date(1977, 12, 24),
        emails=["nora.quinn@example.org", "nq@example.com"],
    )


def without_email(demo: Demo) -> None:
    # Jane Doe is the demo's typo example: add jane@gmial.com to her and see the hint.
    add(demo, "Jane", "Doe", date(1987, 5, 20), phone="(555) 010-2233")
    add(demo, "Oscar", "Bennett", date(1949, 2, 14), phone="(555) 010-4455")
    add(demo, "Priya", "Shah", date(1996, 8, 8))


def minors(demo: Demo) -> None:
    today = timezone.localdate()
    # Born about 9 and 15 years ago, so they stay minors whatever year the demo runs.
    add(
        demo,
        "Sam",
        "Rivera",
        today.replace(year=today.year - 15, month=1, day=15),
        emails=["rivera.family@example.com"],
    )
    add(
        demo,
        "Tilly",
        "Brooks",
        today.replace(year=today.year - 9, month=6, day=1),
        preferred_name="Til",
    )


def with_settings_changed(demo: Demo) -> None:
    add(
        demo,
        "Uma",
        "Castillo",
        date(1982, 4, 4),
        emails=["uma.castillo@example.com"],
        portal_access_enabled=False,
    )
    add(
        demo,
        "Victor",
        "Lindqvist",
        date(1971, 9, 15),
        emails=["victor.l@example.net"],
        email_notifications_enabled=False,
    )


def archived(demo: Demo) -> None:
    for first, last, born, email in [
        ("Wendy", "Archer", date(1980, 1, 1), "wendy.archer@example.com"),
        ("Xavier", "Doyle", date(1992, 3, 30), ""),
    ]:
        client = add(demo, first, last, born, emails=[email] if email else [])
        archive_client(client, by=demo.owner)


def with_every_portal_state(demo: Demo) -> None:
    """Invited, active, expired, locked, disabled…: one client per portal state."""
    demo.by_state = seed_access_states(demo.practice, cast(User, demo.owner.user))


def with_a_family(demo: Demo) -> None:
    """Jordan Rivera, parent of Maya and Theo: one account acting for two children."""
    demo.parent = seed_family(demo.practice, cast(User, demo.owner.user))


def with_portal_features(demo: Demo) -> None:
    """Forms waiting (one half filled in), messages unread on both sides, a profile change
    waiting for review with an insurance card, appointments today and this week, open times
    to book, and a statement to open."""
    owner, parent = cast(User, demo.owner.user), cast(User, demo.parent)
    for seed in (
        seed_forms_demo,
        seed_messages_demo,
        seed_profile_demo,
        seed_appointments_demo,
        seed_telehealth_demo,  # after the appointments: it books around them
        seed_scheduling_demo,
        seed_documents_demo,
    ):
        seed(demo.practice, owner, demo.by_state, parent)


STATE_GROUPS: list[Callable[[Demo], None]] = [
    with_one_email,
    with_several_emails,
    without_email,
    minors,
    with_settings_changed,
    archived,
    with_every_portal_state,
    with_a_family,
    with_portal_features,
]


@transaction.atomic
def create_demo() -> Practice:
    practice, owner = create_practice(
        slug=SLUG,
        name=NAME,
        owner_email=OWNER_EMAIL,
        owner_first_name="Lena",
        owner_last_name="Marsh",
        owner_password=PASSWORD,
    )
    practice.phone = "(555) 010-1000"
    practice.email = "hello@lakeside.test"
    practice.save(update_fields=["phone", "email"])
    front_desk = add_staff_member(
        practice,
        email=FRONT_DESK_EMAIL,
        first_name="Felix",
        last_name="Reed",
        role=Role.FRONT_DESK,
        password=PASSWORD,
        by=Actor.for_user(owner),
    )
    demo = Demo(
        practice=practice, owner=Actor.for_user(owner), front_desk=Actor.for_user(front_desk)
    )
    for group in STATE_GROUPS:
        group(demo)
    demo_brand.seed(demo)  # the logo and accent colour (portico.practices.demo_brand)
    problems_demo.seed(demo)  # one person of each access problem (portico.problems.demo)
    two_factor_demo.seed(demo)  # two-factor sign-in optional here (portico.twofactor.demo)
    demo_language.seed(demo)  # two Spanish-speaking clients (portico.access.demo_language)
    return practice


class Command(BaseCommand):
    help = f"Create the demo practice {NAME} once (slug {SLUG!r}) and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        practice = Practice.objects.filter(slug=SLUG).first()
        if practice is None:
            practice = create_demo()
            status = "created"
        else:
            status = "already there"
        owner = User.objects.filter(practice=practice, email=OWNER_EMAIL).first()
        by = Actor.for_user(owner) if owner is not None else Actor.system()
        # A new owner-role key each run (the previous one is revoked): the README's curl calls.
        api_key = replace_key(practice, by=by, name=API_KEY_NAME, role=KeyRole.OWNER).secret
        clients = Client.objects.filter(practice=practice).count()
        staff = User.objects.filter(practice=practice, kind=UserKind.STAFF).count()
        base = practice_base_url(practice)
        staff_url = practice_url(practice, "accounts:staff_home")
        lines = [
            f"Demo practice: {practice.name} ({status}; {clients} clients, {staff} staff)",
            f"  Staff sign-in: {staff_url}",
            f"  Client portal: {base}/",
        ]
        if settings.LOCAL_MAILBOX_STAFF_ONLY:
            lines.append(
                f"  Mailbox:       {practice_url(practice, 'mailbox:list')}  (staff sign-in)"
            )
        elif settings.LOCAL_MAILBOX:
            lines.append(
                f"  Mailbox:       {settings.BASE_URL}/mailbox/  (every email Portico sends)"
            )
        lines += [
            f"  Owner:         {OWNER_EMAIL}",
            f"  Front desk:    {FRONT_DESK_EMAIL}",
            f"  Password:      {PASSWORD}  (both; unless you changed it)",
            f"  Client:        alex.active@example.com / {DEMO_CLIENT_PASSWORD}  (portal)",
            f"  Parent of two: {DEMO_PARENT_EMAIL} / {DEMO_CLIENT_PASSWORD}  (portal)",
            f"  En español:    {SOFIA_EMAIL} / {DEMO_CLIENT_PASSWORD}  (portal in Spanish; "
            "Mateo Vega's Spanish invitation is in the mailbox, born 08/19/1992)",
            "  Two-step:      off in the demo; try it under Account security (click your "
            "name), require it in Practice settings",
            f"  API:           {base}/api/v1/  (reference: {base}/api/v1/docs)",
            f"  API key:       {api_key}  (owner role; a new one each run)",
        ]
        self.stdout.write("\n".join(lines))
