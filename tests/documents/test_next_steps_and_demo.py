"""The next-step list for documents, the demo, and the hand-made PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import set_urlconf

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import open_document, request_document
from portico.documents.demo import seed_documents_demo
from portico.documents.models import Document, DocumentRequest
from portico.documents.next_steps import steps_for
from portico.documents.pdf import simple_pdf
from portico.mail.models import EmailKind, OutboundEmail
from portico.portal.next_steps import next_steps
from portico.practices.models import PortalFeature, Practice
from tests.cast import Family, access_of, by, invite, register_new
from tests.documents.helpers import share


@pytest.fixture(autouse=True)
def _practice_urls() -> Iterator[None]:
    """Steps name their pages with reverse(), as inside a practice's request."""
    set_urlconf(settings.PRACTICE_URLCONF)
    yield
    set_urlconf(None)


def test_a_new_document_and_a_request_are_next_steps_until_done(
    maple: Practice, casey: Client, casey_account: User, clinician: User
) -> None:
    document = share(casey, clinician).document
    request_document(casey, by=by(clinician), title="Referral letter", instructions="")
    access = access_of(casey)
    texts = [step.portal_text for step in next_steps(casey, reader=access)]
    assert "Upload 1 requested document" in texts
    assert "Open 1 new document" in texts
    assert texts.index("Upload 1 requested document") < texts.index("Open 1 new document")
    open_document(document, access=access, by=by(casey_account))
    texts = [step.portal_text for step in steps_for(casey, reader=access)]
    assert texts == ["Upload 1 requested document"]


def test_the_staff_view_says_what_waits_on_the_client(
    maple: Practice, casey: Client, clinician: User
) -> None:
    share(casey, clinician)
    share(casey, clinician)
    (step,) = steps_for(casey, reader=None)
    assert step.staff_text == "2 shared documents not opened yet"
    assert step.url.endswith(f"/staff/documents/clients/{casey.public_id}/")


def test_the_steps_take_one_query(maple: Practice, casey: Client, clinician: User) -> None:
    share(casey, clinician)
    with CaptureQueriesContext(connection) as queries:
        steps_for(casey, reader=None)
    assert len(queries) == 1


def test_the_demo_shares_an_unopened_statement_and_asks_the_family_for_a_letter(
    maple: Practice, owner: User, casey: Client, family: Family
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.DOCUMENTS]
    maple.save(update_fields=["portal_features"])
    parent = register_new(invite(family.pat_for_mia, owner), username="pat")
    made = seed_documents_demo(maple, owner, {"active": casey}, parent)
    maple.refresh_from_db()
    assert PortalFeature.DOCUMENTS in maple.portal_features
    (statement,) = made
    assert statement.category == "statement" and statement.first_opened_at is None
    assert Document.objects.get().file.content_type == "application/pdf"
    assert DocumentRequest.objects.get().client == family.mia
    assert OutboundEmail.objects.filter(kind=EmailKind.DOCUMENT_WAITING).exists()


def test_the_hand_made_pdf_has_a_correct_cross_reference_table() -> None:
    data = simple_pdf(["Maple Counseling: statement", "Balance (due) $0.00"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", data).group(1))  # type: ignore[union-attr]
    assert data[startxref:].startswith(b"xref\n0 6\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(f"{number} 0 obj".encode())
    length = int(re.search(rb"/Length (\d+)", data).group(1))  # type: ignore[union-attr]
    stream_start = data.index(b"stream\n") + len(b"stream\n")
    assert data[stream_start + length :].startswith(b"\nendstream")
