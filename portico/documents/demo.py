"""Demo documents (for seed_demo): a statement shared with Alex Active, not opened yet,
and a request to the family's first child (the parent sees it and can upload).

Built with the real actions, so the PHI-free "document waiting" emails are in the outbox.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portico.access.models import PortalAccess
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.documents.actions import request_document, share_document
from portico.documents.forms import SHARE_KINDS, check_document
from portico.documents.models import Category, Document
from portico.documents.pdf import simple_pdf
from portico.practices.models import PortalFeature, Practice


def statement_pdf(practice: Practice, client: Client) -> bytes:
    month = timezone.localdate().strftime("%B %Y")
    return simple_pdf(
        [
            f"{practice.name}: statement",
            f"For: {client.full_name}",
            f"Period: {month}",
            "Session (50 minutes), 2 sessions        $240.00",
            "Paid                                    $240.00",
            "Balance due                               $0.00",
        ]
    )


@transaction.atomic
def seed_documents_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> list[Document]:
    by = Actor.for_user(owner)
    if PortalFeature.DOCUMENTS.value not in practice.portal_features:
        practice.portal_features = [*practice.portal_features, PortalFeature.DOCUMENTS.value]
        practice.save(update_fields=["portal_features"])
    made: list[Document] = []
    active = clients.get("active")
    if active is not None:
        upload = SimpleUploadedFile(
            "statement.pdf", statement_pdf(practice, active), "application/pdf"
        )
        shared = share_document(
            active,
            by=by,
            category=Category.STATEMENT,
            title=f"Statement for {timezone.localdate().strftime('%B %Y')}",
            checked=check_document(upload, kinds=SHARE_KINDS),
        )
        made.append(shared.document)
    child = (
        PortalAccess.objects.filter(user=family_parent, ended_at=None, contact__isnull=False)
        .select_related("client")
        .order_by("id")
        .first()
    )
    if child is not None:
        request_document(
            child.client,
            by=by,
            title="School letter about support in class",
            instructions="A photo or a scan of the letter is fine.",
        )
    return made
