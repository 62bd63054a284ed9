"""The demo's Access problems: one person of each kind.

The portal-state demo already has Evan (invitation expired), Dora (wrong dates of
birth), Lou (locked) and Dana (access off, with a message waiting). This adds the
other kinds, built with the real actions and moved back in time where a problem
needs time to pass: Bea (bounced), Skye (marked as spam), Una (delivered, not
opened), Tara (temporary password expired unused) and Cody (came of age, review
open). It also adds a clinician, Dr. Priya Shah, who sees some of them, so the
page's clinician filter has something to show. The practice lists invitations
unopened after 1 day, so Una's 30-hour-old invitation is listed while it still works.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from portico.access.actions import send_invite, set_temporary_password
from portico.access.models import AccessLink
from portico.access.people import add_client
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client, ComingOfAgeReview
from portico.lib.localtime import practice_today
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.actions import add_staff_member
from portico.practices.models import Practice, Role, StaffMembership

CLINICIAN_EMAIL = "priya.shah@lakeside.test"
BOUNCE_REASON = "550 5.1.1 The email account that you tried to reach does not exist"


def _client(
    practice: Practice, by: Actor, first: str, last: str, email: str, **extra: Any
) -> Client:
    return add_client(
        practice,
        by=by,
        first_name=first,
        last_name=last,
        date_of_birth=extra.pop("born", date(1988, 6, 2)),
        emails=[email] if email else [],
        send_invitation=False,
        **extra,
    )


def seed(demo: Any) -> None:
    """The missing kinds of access problem in the demo practice (``seed_demo``)."""
    practice: Practice = demo.practice
    by: Actor = demo.owner
    now = timezone.now()
    practice.unopened_invitation_days = 1
    practice.save(update_fields=["unopened_invitation_days"])

    bea = _client(practice, by, "Bea", "Bounced", "bea.bounced@example.com")
    bounced = send_invite(bea, by=by).link
    OutboundEmail.objects.filter(link=bounced).update(
        status=EmailStatus.BOUNCED, status_detail=BOUNCE_REASON, status_changed_at=now
    )

    skye = _client(practice, by, "Skye", "Spam", "skye.spam@example.com")
    complained = send_invite(skye, by=by).link
    OutboundEmail.objects.filter(link=complained).update(
        status=EmailStatus.COMPLAINED, status_changed_at=now - timedelta(hours=2)
    )

    una = _client(practice, by, "Una", "Unopened", "una.unopened@example.com")
    unopened = send_invite(una, by=by).link
    sent = now - timedelta(hours=30)
    AccessLink.objects.filter(pk=unopened.pk).update(
        created_at=sent, expires_at=sent + practice.invite_lifetime
    )
    OutboundEmail.objects.filter(link=unopened).update(
        status=EmailStatus.DELIVERED,
        created_at=sent,
        sent_at=sent,
        delivered_at=sent,
        status_changed_at=sent,
    )

    tara = _client(practice, by, "Tara", "Timeout", "")
    set_temporary_password(tara, by=by)
    User.objects.filter(portal_accesses__client=tara).update(
        temporary_password_expires_at=now - timedelta(hours=5)
    )

    birthday = practice_today(practice) - timedelta(days=1)  # came of age yesterday
    born = date(birthday.year - practice.age_of_majority, birthday.month, min(birthday.day, 28))
    cody = _client(practice, by, "Cody", "Coming", "cody.coming@example.com", born=born)
    ComingOfAgeReview.objects.create(
        practice=practice, client=cody, came_of_age_on=birthday, created_at=now - timedelta(days=1)
    )

    priya = add_staff_member(
        practice,
        email=CLINICIAN_EMAIL,
        first_name="Priya",
        last_name="Shah",
        role=Role.CLINICIAN,
        password=None,
        by=by,
    )
    membership = StaffMembership.objects.get(user=priya)
    seen = ["Bea", "Una", "Evan", "Lou"]
    Client.objects.filter(practice=practice, first_name__in=seen).update(clinician=membership)
