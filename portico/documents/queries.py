"""Reads: a client's documents and requests, for the portal and for staff; scoped lookups.

Every lookup is scoped to the client already checked (the acted-for client in the
portal, a client ``get_client_for_staff`` returned on staff pages): another
client's or practice's id is a 404, never a 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import pgettext

from portico.clients.models import Client
from portico.documents.models import Document, DocumentRequest
from portico.messaging.labels import portal_author_label


def portal_documents(client: Client) -> QuerySet[Document]:
    """Shared and not withdrawn, newest first."""
    return (
        Document.objects.filter(client=client, withdrawn_at__isnull=True)
        .select_related("file")
        .order_by("-shared_at", "-pk")
    )


def get_document_for_portal(client: Client, public_id: Any) -> Document:
    found = (
        Document.objects.filter(client=client, public_id=public_id, withdrawn_at__isnull=True)
        .select_related("file", "practice", "client")
        .first()
    )
    if found is None:
        raise Http404("No such document.")
    return found


def open_requests(client: Client) -> QuerySet[DocumentRequest]:
    return DocumentRequest.objects.filter(
        client=client, fulfilled_at__isnull=True, cancelled_at__isnull=True
    ).order_by("created_at", "pk")


def fulfilled_requests(client: Client) -> QuerySet[DocumentRequest]:
    return (
        DocumentRequest.objects.filter(client=client, fulfilled_at__isnull=False)
        .select_related("file")
        .order_by("-fulfilled_at", "-pk")
    )


def get_open_request_for_portal(client: Client, public_id: Any) -> DocumentRequest:
    found = open_requests(client).filter(public_id=public_id).select_related("practice").first()
    if found is None:
        raise Http404("No such request.")
    return found


def staff_documents(client: Client) -> QuerySet[Document]:
    """Every document shared with the client (withdrawn ones too), newest first."""
    return (
        Document.objects.filter(client=client)
        .select_related(
            "file",
            "shared_by",
            "first_opened_by__client",
            "first_opened_by__contact",
        )
        .order_by("-shared_at", "-pk")
    )


def staff_requests(client: Client) -> QuerySet[DocumentRequest]:
    return (
        DocumentRequest.objects.filter(client=client)
        .select_related("file", "requested_by", "uploaded_by__client", "uploaded_by__contact")
        .order_by("-created_at", "-pk")
    )


def get_document_for_staff(client: Client, public_id: Any) -> Document:
    found = (
        Document.objects.filter(client=client, public_id=public_id)
        .select_related("file", "practice", "client")
        .first()
    )
    if found is None:
        raise Http404("No such document.")
    return found


def get_request_for_staff(client: Client, public_id: Any) -> DocumentRequest:
    found = (
        DocumentRequest.objects.filter(client=client, public_id=public_id)
        .select_related("file", "practice", "client")
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found


def opened_label(document: Document) -> str:
    """ "Casey Client" or "Pat Parent (parent)": who on the client's side opened it first."""
    access = document.first_opened_by
    return portal_author_label(access) if access is not None else _someone()


def counts_for(client: Client) -> dict[str, int]:
    """New (unopened) documents, open requests and uploads not yet downloaded: one query."""
    row = Client.objects.filter(pk=client.pk).aggregate(
        new=Count(
            "documents",
            filter=Q(documents__withdrawn_at__isnull=True, documents__first_opened_at__isnull=True),
            distinct=True,
        ),
        asked=Count(
            "document_requests",
            filter=Q(
                document_requests__fulfilled_at__isnull=True,
                document_requests__cancelled_at__isnull=True,
            ),
            distinct=True,
        ),
    )
    return {"new": row["new"] or 0, "asked": row["asked"] or 0}


def uploaded_label(asked: DocumentRequest) -> str:
    access = asked.uploaded_by
    return portal_author_label(access) if access is not None else _someone()


def _someone() -> str:
    """Who opened or uploaded, when their portal access is gone (staff read it)."""
    return pgettext("staff", "someone on the client's side")
