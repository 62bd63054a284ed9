"""Writes: share, open, withdraw a document; ask for one, fulfil or cancel the request.

Files are checked before any of these is called (``portico.files.uploads``) and
written inside ``atomic_with_files``: a refusal or a failure leaves no file behind.
Audit details hold ids and the category only, never a title or a file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portico.access.models import PortalAccess
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.documents.models import Category, Document, DocumentRequest
from portico.documents.notify import mark_seen, notify_documents
from portico.files.actions import atomic_with_files
from portico.files.models import FilePurpose
from portico.files.uploads import CheckedUpload
from portico.mail.models import EmailKind
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature, Practice

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

REQUEST_GONE = _("This request was cancelled or already answered.")


@dataclass(frozen=True)
class Shared:
    document: Document
    emailed: int


@dataclass(frozen=True)
class Requested:
    request: DocumentRequest
    emailed: int


def _lock(client: Client) -> Client:
    """One writer at a time per client: the throttle reads then writes the notice rows."""
    return Client.objects.select_for_update().select_related("practice").get(pk=client.pk)


SHARING_OFF = pgettext_lazy(
    "staff",
    "Documents are turned off in %(practice)s's portal, so nothing can be shared with "
    "clients. Turn on Documents in the practice settings first.",
)
ASKING_OFF = pgettext_lazy(
    "staff",
    "Documents are turned off in %(practice)s's portal, so nothing can be asked of "
    "clients. Turn on Documents in the practice settings first.",
)


def _refuse_while_off(practice: Practice, refusal: StrPromise) -> None:
    if not feature_on(practice, PortalFeature.DOCUMENTS):
        raise ValidationError(str(refusal) % {"practice": practice.name}, code="feature_off")


def share_document(
    client: Client, *, by: Actor, category: str, title: str, checked: CheckedUpload
) -> Shared:
    """Store the (checked) PDF and share it with the client; email a PHI-free notice."""
    _refuse_while_off(client.practice, SHARING_OFF)
    with atomic_with_files() as writer:
        client = _lock(client)
        practice = client.practice
        stored = writer.store(
            checked, practice=practice, client=client, purpose=FilePurpose.SHARED_DOCUMENT, by=by
        )
        now = timezone.now()
        document = Document.objects.create(
            practice=practice,
            client=client,
            category=Category(category),
            title=title,
            file=stored,
            shared_by=by.user,
            shared_at=now,
        )
        record(
            Action.DOCUMENT_SHARED,
            practice=practice,
            actor=by,
            client=client,
            details={"document": str(document.public_id), "category": document.category},
        )
        emailed = notify_documents(client, kind=EmailKind.DOCUMENT_WAITING, now=now)
    return Shared(document=document, emailed=emailed)


@transaction.atomic
def withdraw_document(document: Document, *, by: Actor) -> Document:
    """Hide the document from the portal; the row and the file stay for the record."""
    locked = Document.objects.select_for_update().select_related("practice").get(pk=document.pk)
    if locked.withdrawn_at is not None:
        return locked
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by.user
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(
        Action.DOCUMENT_WITHDRAWN,
        practice=locked.practice,
        actor=by,
        client=locked.client,
        details={"document": str(locked.public_id), "category": locked.category},
    )
    return locked


@transaction.atomic
def open_document(document: Document, *, access: PortalAccess, by: Actor) -> bool:
    """Someone on the client's side opened it: the first open is recorded (once) and audited.

    A conditional update: of two opens at once, exactly one is the first.
    """
    now = timezone.now()
    first = bool(
        Document.objects.filter(pk=document.pk, first_opened_at__isnull=True).update(
            first_opened_at=now, first_opened_by=access
        )
    )
    mark_seen(document.client, access.contact_id, now=now)
    if first:
        document.first_opened_at, document.first_opened_by = now, access
        record(
            Action.DOCUMENT_OPENED,
            practice=document.practice,
            actor=by,
            client=document.client,
            details={"document": str(document.public_id), "category": document.category},
        )
    return first


def look_at_documents(access: PortalAccess) -> None:
    """The person opened their documents page: the next document may be emailed at once."""
    mark_seen(access.client, access.contact_id, now=timezone.now())


def record_staff_download(document: Document, *, by: Actor) -> None:
    record(
        Action.DOCUMENT_DOWNLOADED_BY_STAFF,
        practice=document.practice,
        actor=by,
        client=document.client,
        details={"document": str(document.public_id), "category": document.category},
    )


def record_uploaded_download(asked: DocumentRequest, *, by: Actor) -> None:
    record(
        Action.DOCUMENT_DOWNLOADED_BY_STAFF,
        practice=asked.practice,
        actor=by,
        client=asked.client,
        details={"request": str(asked.public_id), "category": "uploaded by the client"},
    )


def request_document(client: Client, *, by: Actor, title: str, instructions: str) -> Requested:
    """Ask the client's side for a document; email a PHI-free notice."""
    _refuse_while_off(client.practice, ASKING_OFF)
    with transaction.atomic():
        client = _lock(client)
        practice = client.practice
        now = timezone.now()
        asked = DocumentRequest.objects.create(
            practice=practice,
            client=client,
            title=title,
            instructions=instructions,
            requested_by=by.user,
            created_at=now,
        )
        record(
            Action.DOCUMENT_REQUESTED,
            practice=practice,
            actor=by,
            client=client,
            details={"request": str(asked.public_id)},
        )
        emailed = notify_documents(client, kind=EmailKind.DOCUMENT_REQUESTED, now=now)
    return Requested(request=asked, emailed=emailed)


@transaction.atomic
def cancel_request(asked: DocumentRequest, *, by: Actor) -> DocumentRequest:
    locked = DocumentRequest.objects.select_for_update().select_related("practice").get(pk=asked.pk)
    if not locked.is_open:
        return locked
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    record(
        Action.DOCUMENT_REQUEST_CANCELLED,
        practice=locked.practice,
        actor=by,
        client=locked.client,
        details={"request": str(locked.public_id)},
    )
    return locked


def fulfil_request(
    asked: DocumentRequest, *, access: PortalAccess, by: Actor, checked: CheckedUpload
) -> DocumentRequest:
    """The client's side uploads what was asked for (already checked): the request is done."""
    with atomic_with_files() as writer:
        locked = (
            DocumentRequest.objects.select_for_update()
            .select_related("practice", "client")
            .get(pk=asked.pk)
        )
        if not locked.is_open:
            raise ValidationError(REQUEST_GONE, code="closed")
        stored = writer.store(
            checked,
            practice=locked.practice,
            client=locked.client,
            purpose=FilePurpose.REQUESTED_DOCUMENT,
            by=by,
        )
        locked.file = stored
        locked.fulfilled_at = timezone.now()
        locked.uploaded_by = access
        locked.save(update_fields=["file", "fulfilled_at", "uploaded_by"])
        record(
            Action.DOCUMENT_UPLOADED,
            practice=locked.practice,
            actor=by,
            client=locked.client,
            details={"request": str(locked.public_id), "file": str(stored.public_id)},
        )
    return locked
