"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.documents.actions import request_document, share_document
from portico.documents.forms import SHARE_KINDS, check_document
from portico.documents.pdf import simple_pdf


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """A statement shared with the client, and one document asked of them."""
    actor = Actor.for_user(by)
    upload = SimpleUploadedFile("walk.pdf", simple_pdf(["Statement"]), "application/pdf")
    shared = share_document(
        client,
        by=actor,
        category="statement",
        title="Statement for the walk",
        checked=check_document(upload, kinds=SHARE_KINDS),
    )
    asked = request_document(client, by=actor, title="Referral letter", instructions="")
    return {
        "document_id": str(shared.document.public_id),
        "request_id": str(asked.request.public_id),
    }
