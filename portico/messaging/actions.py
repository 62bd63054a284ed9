"""Writes on secure messages: send (staff or portal), read, mark unread, assign.

A message is only ever created: there is no function here that changes one (the
model refuses it too). Audit details name who and which messages, never the text.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.messaging.labels import audit_author_label, staff_label
from portico.messaging.models import (
    MAX_BODY,
    Conversation,
    Message,
    PortalReader,
    Side,
    person,
)
from portico.messaging.notify import notify_new_message
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature


class MessagingOff(ValidationError):
    """The practice has secure messages turned off: nothing reaches a client."""


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(gettext("Write a message before sending."), code="required")
    if len(body) > MAX_BODY:
        raise ValidationError(
            gettext(
                "Your message is too long: it can have at most %(limit)s characters "
                "(it has %(length)s)."
            )
            % {"limit": f"{MAX_BODY:,}", "length": f"{len(body):,}"},
            code="max_length",
        )
    return body


def _locked_conversation(client: Client) -> Conversation:
    """The client's conversation (made on its first message), locked for this transaction."""
    Conversation.objects.get_or_create(
        client=client,
        defaults={"practice_id": client.practice_id, "created_at": timezone.now()},
    )
    conversation = Conversation.objects.select_for_update().get(
        client=client, practice_id=client.practice_id
    )
    conversation.client = client
    return conversation


def _write(
    conversation: Conversation,
    *,
    author: User | None,
    side: Side,
    body: str,
    access: PortalAccess | None = None,
) -> Message:
    now = timezone.now()
    message = Message(
        practice_id=conversation.practice_id,
        conversation=conversation,
        author=author,
        side=side,
        author_access=access,
        body=body,
        created_at=now,
    )
    message.save(force_insert=True)
    changes: dict[str, object] = {"last_message_at": now}
    if side == Side.PORTAL:
        changes["practice_unread"] = F("practice_unread") + 1
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    conversation.last_message_at = now
    return message


@transaction.atomic
def send_staff_message(client: Client, *, by: Actor, body: str) -> Message:
    """A staff member writes to the client; the client's side is emailed (throttled).

    Refused with ``MessagingOff`` while the practice has secure messages off.
    """
    practice = client.practice
    if not feature_on(practice, PortalFeature.MESSAGES):
        raise MessagingOff(
            pgettext(
                "staff",
                "Secure messages are turned off for this practice, so nothing was sent. "
                "An owner or administrator can turn them on in Practice settings.",
            )
        )
    body = _checked_body(body)
    conversation = _locked_conversation(client)
    message = _write(conversation, author=by.user, side=Side.STAFF, body=body)
    notified = notify_new_message(conversation, now=message.created_at)
    record(
        Action.MESSAGE_SENT,
        practice=practice,
        actor=by,
        client=client,
        details={
            "message_id": message.pk,
            "side": Side.STAFF.value,
            "author": staff_label(by.user) if by.user else by.label,
            "notified": notified,
        },
    )
    return message


@transaction.atomic
def send_portal_message(access: PortalAccess, *, by: Actor, body: str) -> Message:
    """The client, or a contact acting for them, writes to the practice (no email goes out).

    The author is the account signed in; ``access`` is the access row they act
    through (the caller checked it works). Their own read mark moves past their message.
    """
    client = access.client
    if not feature_on(client.practice, PortalFeature.MESSAGES):
        raise MessagingOff("Messages are not available in this portal.")
    if not access.is_live or by.user is None or access.user_id != by.user.pk:
        raise ValidationError(gettext("You cannot send messages for this person any more."))
    body = _checked_body(body)
    conversation = _locked_conversation(client)
    message = _write(conversation, author=by.user, side=Side.PORTAL, body=body, access=access)
    _advance_reader(conversation, access, through=message.pk, at=message.created_at)
    record(
        Action.MESSAGE_SENT,
        practice=client.practice,
        actor=by,
        client=client,
        details={
            "message_id": message.pk,
            "side": Side.PORTAL.value,
            "author": audit_author_label(access),
        },
    )
    return message


def _advance_reader(
    conversation: Conversation, access: PortalAccess, *, through: int, at: datetime
) -> None:
    PortalReader.set_for(conversation, access.contact_id, read_through=through, read_at=at)


@transaction.atomic
def read_as_portal(access: PortalAccess, *, by: Actor) -> list[int]:
    """The person opened the conversation: everything in it is read by them.

    Returns the ids of the practice's messages they had not read; one audit event
    names them (none when nothing was new).
    """
    client = access.client
    conversation = (
        Conversation.objects.select_for_update()
        .filter(client=client, practice_id=client.practice_id)
        .first()
    )
    if conversation is None:
        return []
    reader = PortalReader.objects.filter(
        person(access.contact_id), conversation=conversation
    ).first()
    read_through = reader.read_through if reader else 0
    latest = conversation.messages.aggregate(latest=Max("id"))["latest"] or 0
    if latest <= read_through:
        return []
    new_ids = list(
        conversation.messages.filter(side=Side.STAFF, id__gt=read_through)
        .order_by("id")
        .values_list("id", flat=True)
    )
    _advance_reader(conversation, access, through=latest, at=timezone.now())
    if new_ids:
        record(
            Action.MESSAGE_READ,
            practice=client.practice,
            actor=by,
            client=client,
            details={
                "reader": audit_author_label(access),
                "side": Side.PORTAL.value,
                "count": len(new_ids),
                "message_ids": new_ids,
            },
        )
    return new_ids


@transaction.atomic
def read_as_practice(client: Client, *, by: Actor, how: str = "opened") -> list[int]:
    """A staff member read the conversation (opened it, or "Mark read" in the inbox).

    The practice reads as one: everything is read for every staff member. Returns
    the ids of the client's side's messages that were unread.
    """
    conversation = (
        Conversation.objects.select_for_update()
        .filter(client=client, practice_id=client.practice_id)
        .first()
    )
    if conversation is None:
        return []
    latest = conversation.messages.aggregate(latest=Max("id"))["latest"] or 0
    if latest <= conversation.practice_read_through and conversation.practice_unread == 0:
        return []
    new_ids = list(
        conversation.messages.filter(side=Side.PORTAL, id__gt=conversation.practice_read_through)
        .order_by("id")
        .values_list("id", flat=True)
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        practice_read_through=latest, practice_unread=0
    )
    if new_ids:
        record(
            Action.MESSAGE_READ,
            practice=client.practice,
            actor=by,
            client=client,
            details={
                "reader": staff_label(by.user) if by.user else by.label,
                "side": Side.STAFF.value,
                "how": how,
                "count": len(new_ids),
                "message_ids": new_ids,
            },
        )
    return new_ids


@transaction.atomic
def mark_unread_for_practice(client: Client, *, by: Actor) -> bool:
    """Make the latest message from the client's side unread again for the practice.

    False when there is nothing from the client's side yet.
    """
    conversation = (
        Conversation.objects.select_for_update()
        .filter(client=client, practice_id=client.practice_id)
        .first()
    )
    if conversation is None:
        return False
    latest = (
        conversation.messages.filter(side=Side.PORTAL).order_by("-id").values_list("id", flat=True)
    ).first()
    if latest is None:
        return False
    through = min(conversation.practice_read_through, latest - 1)
    unread = conversation.messages.filter(side=Side.PORTAL, id__gt=through).count()
    Conversation.objects.filter(pk=conversation.pk).update(
        practice_read_through=through, practice_unread=unread
    )
    record(
        Action.CONVERSATION_MARKED_UNREAD,
        practice=client.practice,
        actor=by,
        client=client,
        details={"message_id": latest, "count": unread},
    )
    return True


@transaction.atomic
def assign_conversation(client: Client, *, by: Actor, to: User | None) -> Conversation:
    """Give the client's conversation to a staff member of the practice (None: nobody)."""
    if to is not None and (
        to.practice_id != client.practice_id or to.kind != "staff" or not to.is_active
    ):
        raise ValidationError("Choose a staff member of this practice.")
    conversation = _locked_conversation(client)
    if conversation.assigned_to_id == (to.pk if to else None):
        return conversation
    Conversation.objects.filter(pk=conversation.pk).update(assigned_to=to)
    conversation.assigned_to = to
    record(
        Action.CONVERSATION_ASSIGNED,
        practice=client.practice,
        actor=by,
        client=client,
        subject_user=to,
        details={"assigned_to": staff_label(to) if to else ""},
    )
    return conversation
