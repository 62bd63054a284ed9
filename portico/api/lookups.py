"""One scoped lookup per object the API reaches: another practice's object is a 404.

The object is found first, then the key's role is checked (403): a key never learns
whether another practice's object exists, and its own practice's objects hold no
secret from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import Http404, HttpRequest

from portico.access.models import BulkInvite
from portico.api.auth import require
from portico.clients.models import Client, ClientEmail, Contact
from portico.practices.http import PracticeRequest
from portico.practices.roles import Can

if TYPE_CHECKING:
    from portico.practices.models import Practice


def practice_of(request: HttpRequest) -> Practice:
    """The practice whose URL was called (set by PracticeMiddleware)."""
    return cast(PracticeRequest, request).practice


def client_for_key(request: HttpRequest, public_id: Any, capability: Can) -> Client:
    client = Client.objects.filter(practice=practice_of(request), public_id=public_id).first()
    if client is None:
        raise Http404("No such client.")
    require(request, capability)
    return client


def email_for_key(
    request: HttpRequest, public_id: Any, email_id: int, capability: Can
) -> ClientEmail:
    client = client_for_key(request, public_id, capability)
    email = ClientEmail.objects.filter(
        practice_id=client.practice_id, client=client, pk=email_id
    ).first()
    if email is None:
        raise Http404("No such email address.")
    email.client = client
    return email


def contact_for_key(
    request: HttpRequest, public_id: Any, contact_id: Any, capability: Can
) -> Contact:
    client = client_for_key(request, public_id, capability)
    contact = Contact.objects.filter(
        practice_id=client.practice_id, client=client, public_id=contact_id, removed_at=None
    ).first()
    if contact is None:
        raise Http404("No such contact.")
    contact.client = client
    return contact


def bulk_for_key(request: HttpRequest, public_id: Any) -> BulkInvite:
    bulk = BulkInvite.objects.filter(practice=practice_of(request), public_id=public_id).first()
    if bulk is None:
        raise Http404("No such bulk invitation.")
    require(request, Can.SEND_INVITES)
    return bulk
