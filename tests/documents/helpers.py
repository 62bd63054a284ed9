"""Making PDFs and sharing them the way staff do (through the real checks and actions)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import Shared, share_document
from portico.documents.forms import DOCUMENT_LIMIT, SHARE_KINDS, check_document
from portico.documents.pdf import simple_pdf
from tests.cast import by

TITLE = "Statement for grief counseling, March"
FILE_NAME = "casey-grief-statement.pdf"


def pdf_of_size(size: int) -> bytes:
    head = simple_pdf(["Statement"])
    return head + b"%" * (size - len(head))


def pdf_file(name: str = FILE_NAME, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or simple_pdf(["Statement"]), "application/pdf")


def share(
    client: Client, staff: User, *, title: str = TITLE, category: str = "statement"
) -> Shared:
    return share_document(
        client,
        by=by(staff),
        category=category,
        title=title,
        checked=check_document(pdf_file(), kinds=SHARE_KINDS),
    )


__all__ = ["DOCUMENT_LIMIT", "FILE_NAME", "TITLE", "pdf_file", "pdf_of_size", "share"]
