"""Reads for secure messages: the thread, the staff inbox, unread counts, who cannot read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext

from portico.access.queries import access_is_on, contact_accesses, contacts_with_access_on
from portico.accounts.models import User, UserKind
from portico.clients.contact_queries import current_contacts
from portico.lib.localtime import short_day_and_time
from portico.messaging.labels import author_label
from portico.messaging.models import Conversation, Message, PortalReader, Side, person

if TYPE_CHECKING:
    from portico.access.models import PortalAccess
    from portico.clients.models import Client
    from portico.practices.models import Practice


def conversation_of(client: Client) -> Conversation | None:
    return (
        Conversation.objects.filter(client=client, practice_id=client.practice_id)
        .select_related("assigned_to")
        .first()
    )


@dataclass(frozen=True)
class ShownMessage:
    """One message as a page shows it."""

    message: Message
    author: str  # "You", "Pat Parent (parent)", "Clara Lee"
    when: str  # "Nov 22 at 3:05 PM", in the practice's time zone
    mine: bool
    from_practice: bool
    is_new: bool


def thread(
    conversation: Conversation | None,
    *,
    viewer: User,
    practice: Practice,
    read_through: int,
) -> list[ShownMessage]:
    """The conversation's messages, oldest first, in one query.

    ``read_through``: the id of the last message the viewer's side had read before
    this visit (messages after it, written by the other side, are marked new).
    """
    if conversation is None:
        return []
    rows = (
        Message.objects.filter(conversation=conversation, practice_id=conversation.practice_id)
        .select_related("author", "author_access__contact", "author_access__client")
        .order_by("id")
    )
    viewer_side = Side.STAFF if viewer.kind == UserKind.STAFF else Side.PORTAL
    shown = []
    for message in rows:
        mine = message.author_id == viewer.pk
        shown.append(
            ShownMessage(
                message=message,
                author=author_label(message, viewer=viewer),
                when=short_day_and_time(practice, message.created_at),
                mine=mine,
                from_practice=message.side == Side.STAFF,
                is_new=message.pk > read_through and message.side != viewer_side,
            )
        )
    return shown


def portal_read_through(conversation: Conversation | None, access: PortalAccess) -> int:
    if conversation is None:
        return 0
    reader = PortalReader.objects.filter(
        person(access.contact_id), conversation=conversation
    ).first()
    return reader.read_through if reader else 0


def portal_unread_count(client: Client, access: PortalAccess) -> int:
    """Messages from the practice this person has not read, in one query."""
    read_through = PortalReader.objects.filter(
        person(access.contact_id), conversation__client=client
    ).values("read_through")[:1]
    return Message.objects.filter(
        conversation__client=client,
        practice_id=client.practice_id,
        side=Side.STAFF,
        id__gt=Coalesce(Subquery(read_through), Value(0)),
    ).count()


def practice_unread_count(client: Client) -> int:
    """Messages from the client's side the practice has not read (one query)."""
    counts = Conversation.objects.filter(client=client, practice_id=client.practice_id)
    return counts.values_list("practice_unread", flat=True).first() or 0


TOP_BAR_CAP = 99


def waiting_conversation_count(practice_id: int) -> int:
    """Conversations with messages the practice has not read, up to ``TOP_BAR_CAP`` + 1.

    The top bar's number ("99+" beyond the cap): one query over the partial index
    ``conversation_unread`` that reads at most 100 ids, whatever the practice's size
    or the number waiting (no COUNT over a growing set).
    """
    waiting = Conversation.objects.filter(practice_id=practice_id, practice_unread__gt=0)
    return len(waiting.values_list("pk", flat=True)[: TOP_BAR_CAP + 1])


# --- the inbox ----------------------------------------------------------------------------

ASSIGNED_ANYONE = ""
ASSIGNED_ME = "me"
ASSIGNED_NOBODY = "nobody"


def inbox(practice: Practice, *, assigned: str, viewer: User) -> QuerySet[Conversation]:
    """The practice's conversations, those waiting for the practice first, then newest.

    ``assigned``: "" everyone, "me", "nobody", or a staff member's id.
    """
    rows = (
        Conversation.objects.filter(practice=practice)
        .exclude(last_message_at=None)
        .select_related("client", "assigned_to")
        .annotate(
            waiting=Case(
                When(practice_unread__gt=0, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            last_side=Subquery(
                Message.objects.filter(conversation=OuterRef("pk"))
                .order_by("-id")
                .values("side")[:1]
            ),
        )
        .order_by("-waiting", F("last_message_at").desc(nulls_last=True), "-id")
    )
    if assigned == ASSIGNED_ME:
        rows = rows.filter(assigned_to=viewer)
    elif assigned == ASSIGNED_NOBODY:
        rows = rows.filter(assigned_to=None)
    elif assigned:
        rows = rows.filter(assigned_to_id=int(assigned))
    return rows


def assignable_staff(practice: Practice) -> list[User]:
    """Active staff members of the practice, by name: who a conversation can be given to."""
    return list(
        User.objects.filter(practice=practice, kind=UserKind.STAFF, is_active=True).order_by(
            "first_name", "last_name", "id"
        )
    )


# --- who cannot read ----------------------------------------------------------------------


def who_cannot_read(client: Client) -> list[str]:
    """Sentences for staff: "Maria cannot read this: portal access is off", per person.

    The client, and each current contact given access to this client whose access is off.
    """
    notes = []
    if not access_is_on(client):
        notes.append(_cannot_read(client.greeting_name))
    on = {contact.pk for contact in contacts_with_access_on(client)}
    contacts = [c for c in current_contacts(client) if c.pk not in on]
    accesses = contact_accesses([contact.pk for contact in contacts])
    for contact in contacts:
        if contact.pk in accesses:  # given access once; it is off or ended now
            notes.append(_cannot_read(contact.full_name))
    return notes


def _cannot_read(name: str) -> str:
    return pgettext("staff", "%(name)s cannot read this: portal access is off.") % {"name": name}
