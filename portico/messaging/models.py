"""Secure messages: one conversation per client, messages that never change, read state.

- ``Conversation``: the client's one thread with the practice. The practice reads it
  as one reader ("read by the practice"): ``practice_read_through`` is the id of the
  last message the practice has read, ``practice_unread`` the number of messages from
  the client's side after it (kept with every write, so the staff top bar counts
  conversations with one indexed COUNT).
- ``Message``: written once, never updated (a correction is a new message); the
  model refuses ``save()`` of an existing row and ``QuerySet.update()``.
- ``PortalReader``: one row per person on the client's side (the client themself, or
  one contact): what they have read, and when they were last emailed about a new
  message (the 15-minute notification throttle). Kept per person, not per access
  row: a contact invited again gets a new access row but is the same reader, and a
  client whose access is off still gets the email.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

MAX_BODY = 5000


class Side(models.TextChoices):
    STAFF = "staff", "The practice"
    PORTAL = "portal", "The client's side"


class Conversation(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="conversation"
    )
    assigned_to = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField(null=True, blank=True)
    # The practice's shared read state (see the module docstring).
    practice_read_through = models.PositiveBigIntegerField(default=0)
    practice_unread = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "-last_message_at"], name="conversation_recent"),
            models.Index(fields=["practice", "assigned_to"], name="conversation_assigned"),
            # The top bar's count touches only the conversations waiting for the practice.
            models.Index(
                fields=["practice"],
                condition=models.Q(practice_unread__gt=0),
                name="conversation_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation with client {self.client_id}"


class ImmutableMessage(Exception):
    """A sent message cannot be changed: a correction is a new message."""


class MessageQuerySet(models.QuerySet["Message"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableMessage("Messages are never changed once sent; send a new one.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableMessage("Messages are never changed once sent; send a new one.")


class Message(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    # On the client's side: the access the author acted through (the client's own or
    # a contact's), so "Pat Parent (parent)" stays true after Pat's access ends.
    author_access = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()

    objects = MessageQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["conversation", "side", "id"], name="message_thread")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThanOrEqual(Length("body"), 1), LessThanOrEqual(Length("body"), MAX_BODY)
                ),
                name="message_body_length",
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=[Side.STAFF, Side.PORTAL]), name="message_side_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in conversation {self.conversation_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableMessage("Messages are never changed once sent; send a new one.")
        super().save(*args, **kwargs)


def person(contact_id: int | None) -> models.Q:
    """The reader row of one person: a contact, or (None) the client themself."""
    return models.Q(contact__isnull=True) if contact_id is None else models.Q(contact_id=contact_id)


class PortalReader(models.Model):
    """One person on the client's side of a conversation: read state and notification throttle."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="readers")
    # None: the client themself.
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read_through = models.PositiveBigIntegerField(default=0)  # id of the last message read
    read_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # last "new message" email

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "conversation",
                condition=models.Q(contact__isnull=True),
                name="one_reader_row_for_the_client",
            ),
            models.UniqueConstraint(
                "conversation",
                "contact",
                condition=models.Q(contact__isnull=False),
                name="one_reader_row_per_contact",
            ),
        ]

    def __str__(self) -> str:
        who = f"contact {self.contact_id}" if self.contact_id else "the client"
        return f"{who} in conversation {self.conversation_id}"

    @classmethod
    def set_for(cls, conversation: Conversation, contact_id: int | None, **values: Any) -> None:
        """Write ``values`` on the person's row, made on first use (conversation row locked)."""
        if not cls.objects.filter(person(contact_id), conversation=conversation).update(**values):
            cls.objects.create(conversation=conversation, contact_id=contact_id, **values)
