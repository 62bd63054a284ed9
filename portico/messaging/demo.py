"""Demo conversations (for seed_demo): one waiting for the practice, one waiting for a family.

- Alex Active wrote back twice after the practice's message: unread in the staff inbox.
- The practice wrote to the family's first child: unread by the parent (who was emailed).
- The practice wrote to Dana, whose access is off: staff see that Dana cannot read it.
"""

from __future__ import annotations

from django.db import transaction

from portico.access.queries import own_access, working_accesses
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.messaging.actions import (
    assign_conversation,
    read_as_portal,
    send_portal_message,
    send_staff_message,
)
from portico.practices.models import Practice


@transaction.atomic
def seed_messages_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> None:
    staff = Actor.for_user(owner)
    active = clients.get("active")
    if active is not None:
        send_staff_message(
            active,
            by=staff,
            body="Hi Alex, this is a reminder that your next session is on Thursday at 3 PM. "
            "Reply here if you need to change it.",
        )
        access = own_access(active)
        if access is not None and access.user is not None:
            alex = Actor.for_user(access.user)
            read_as_portal(access, by=alex)
            send_portal_message(access, by=alex, body="Thanks! Could we move it to 4 PM?")
            send_portal_message(
                access, by=alex, body="Also, do I need to bring anything to the session?"
            )
        assign_conversation(active, by=staff, to=owner)
    grant = working_accesses(family_parent).order_by("client__first_name").first()
    if grant is not None:
        send_staff_message(
            grant.client,
            by=staff,
            body=f"Hello, {grant.client.first_name}'s intake forms are ready in the portal. "
            "Let us know if you have any questions.",
        )
    disabled = clients.get("disabled")
    if disabled is not None:
        send_staff_message(
            disabled,
            by=staff,
            body="Hi Dana, please call the office when you have a moment.",
        )
