"""Who wrote a message, in the words each side reads: "You", "Pat Parent (parent)", "Clara Lee"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from portico.clients.models import Relationship

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portico.access.models import PortalAccess
    from portico.accounts.models import User
    from portico.messaging.models import Message


# "Pat Parent (parent)": the relationship in the reader's words, lowercase.
_RELATIONSHIPS: dict[str, StrOrPromise] = {
    Relationship.PARENT: gettext_lazy("parent"),
    Relationship.GUARDIAN: gettext_lazy("legal guardian"),
    Relationship.PARTNER: gettext_lazy("spouse or partner"),
    Relationship.OTHER: gettext_lazy("other"),
}


def staff_label(user: User) -> str:
    return user.full_name or user.username


def portal_author_label(access: PortalAccess) -> str:
    """The client's name, or the contact's with their relationship: "Pat Parent (parent)"."""
    contact = access.contact
    if contact is None:
        return access.client.full_name
    if contact.relationship == Relationship.OTHER and contact.relationship_note:
        relationship = contact.relationship_note
    else:
        relationship = str(_RELATIONSHIPS.get(contact.relationship, contact.relationship))
    return f"{contact.full_name} ({relationship})"


def audit_author_label(access: PortalAccess) -> str:
    """``portal_author_label`` for the audit log: English, whatever the author reads."""
    with translation.override("en"):
        return portal_author_label(access)


def author_label(message: Message, *, viewer: User) -> str:
    """How ``viewer`` sees the author of ``message``: their own messages say "You"."""
    if message.author_id is not None and message.author_id == viewer.pk:
        return gettext("You")
    if message.side == "staff":
        return staff_label(message.author) if message.author else gettext("A former staff member")
    if message.author_access is not None:
        return portal_author_label(message.author_access)
    return gettext("Someone on the client's side")
