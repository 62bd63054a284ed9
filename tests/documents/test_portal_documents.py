"""The portal's documents: the client acted for, newest first; first open recorded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.documents.actions import request_document, withdraw_document
from portico.documents.models import Document, DocumentRequest
from portico.files.models import StoredFile
from portico.practices.models import PortalFeature, Practice
from portico.profiles.demo import tiny_png
from tests.cast import Family, at, by, end_contact_access
from tests.documents.helpers import TITLE, share

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
LIST = "portal_documents:list"


def _open(http: HttpClient, practice: Practice, document: Document, **query: str) -> int:
    url = at(practice, "portal_documents:document", document.public_id)
    return http.get(url, query).status_code


def test_the_client_sees_their_documents_newest_first_with_the_kind(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        share(casey, clinician, title="Receipt for February", category="receipt")
        clock.move_to(START + timedelta(days=1))
        share(casey, clinician, title="Statement for March")
    page = casey_http.get(at(maple, LIST)).content.decode()
    assert page.index("Statement for March") < page.index("Receipt for February")
    assert "Receipt</span>" in page and "Statement</span>" in page


def test_opening_shows_the_pdf_inline_and_download_is_an_attachment(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    document = share(casey, clinician).document
    url = at(maple, "portal_documents:document", document.public_id)
    shown = casey_http.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline")
    assert "sandbox" not in shown["Content-Security-Policy"]
    assert "no-store" in shown["Cache-Control"]
    downloaded = casey_http.get(url, {"download": "1"})
    assert downloaded["Content-Disposition"].startswith("attachment")


def test_the_first_open_is_recorded_once_and_a_second_open_keeps_the_first_time(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    document = share(casey, clinician).document
    with time_machine.travel(START, tick=False) as clock:
        assert _open(casey_http, maple, document) == 200
        clock.move_to(START + timedelta(hours=3))
        assert _open(casey_http, maple, document, download="1") == 200
    document.refresh_from_db()
    assert document.first_opened_at == START
    assert document.first_opened_by is not None and document.first_opened_by.contact is None
    assert AuditEvent.objects.filter(action="documents.opened").count() == 1


def test_staff_see_opened_on_the_date_by_who(
    maple: Practice,
    casey: Client,
    clinician: User,
    casey_http: HttpClient,
    clinician_http: HttpClient,
) -> None:
    document = share(casey, clinician).document
    with time_machine.travel(datetime(2026, 3, 2, 19, 5, tzinfo=UTC), tick=False):
        _open(casey_http, maple, document)
    page = clinician_http.get(at(maple, "staff_documents:client", casey.public_id)).content.decode()
    assert "Opened on Mar 2, 2026, 2:05 PM by Casey Client" in page  # America/New_York
    assert "Not opened yet" not in page


def test_a_parent_opens_the_childs_document_and_staff_see_the_parent(
    maple: Practice,
    family: Family,
    clinician: User,
    pat_http: HttpClient,
    clinician_http: HttpClient,
) -> None:
    document = share(family.mia, clinician).document
    page = pat_http.get(at(maple, LIST)).content.decode()
    assert TITLE in page and "Mia (your child)" in page
    assert _open(pat_http, maple, document) == 200
    staff = clinician_http.get(at(maple, "staff_documents:client", family.mia.public_id))
    assert "by Pat Parent (parent)" in staff.content.decode()


def test_another_clients_document_is_404(
    maple: Practice, noah: Client, clinician: User, casey_http: HttpClient
) -> None:
    document = share(noah, clinician).document
    assert _open(casey_http, maple, document) == 404
    assert TITLE not in casey_http.get(at(maple, LIST)).content.decode()
    document.refresh_from_db()
    assert document.first_opened_at is None


def test_the_outsiders_session_never_opens_a_maple_document(
    maple: Practice, casey: Client, clinician: User, outsider_http: HttpClient
) -> None:
    document = share(casey, clinician).document
    assert _open(outsider_http, maple, document) in (302, 404)
    document.refresh_from_db()
    assert document.first_opened_at is None


def test_a_withdrawn_document_is_404_and_gone_from_the_list(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    document = share(casey, clinician).document
    assert _open(casey_http, maple, document) == 200
    withdraw_document(document, by=by(clinician))
    assert _open(casey_http, maple, document) == 404
    assert TITLE not in casey_http.get(at(maple, LIST)).content.decode()


def test_a_contact_whose_access_was_revoked_is_refused_on_the_next_request(
    maple: Practice,
    family: Family,
    owner: User,
    clinician: User,
    pat_http: HttpClient,
) -> None:
    document = share(family.mia, clinician).document
    assert pat_http.get(at(maple, LIST)).status_code == 200
    end_contact_access(family.pat_for_mia, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    assert pat_http.get(at(maple, LIST)).status_code == 403
    assert _open(pat_http, maple, document) in (302, 403)
    document.refresh_from_db()
    assert document.first_opened_at is None


def test_every_documents_page_is_a_404_while_the_feature_is_off(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    document = share(casey, clinician).document
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.DOCUMENTS]
    maple.save(update_fields=["portal_features"])
    assert casey_http.get(at(maple, LIST)).status_code == 404
    assert _open(casey_http, maple, document) == 404


def _upload_url(practice: Practice, asked: DocumentRequest) -> str:
    return at(practice, "portal_documents:upload", asked.public_id)


def test_the_client_uploads_what_was_asked_for_and_staff_can_download_it(
    maple: Practice,
    casey: Client,
    casey_account: User,
    clinician: User,
    casey_http: HttpClient,
    clinician_http: HttpClient,
) -> None:
    asked = request_document(
        casey, by=by(clinician), title="Referral letter", instructions=""
    ).request
    page = casey_http.get(at(maple, LIST)).content.decode()
    assert "Referral letter" in page
    photo = SimpleUploadedFile("letter.png", tiny_png(), "image/png")
    response = casey_http.post(_upload_url(maple, asked), {"file": photo})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.fulfilled_at is not None and asked.file is not None
    assert asked.uploaded_by is not None and asked.uploaded_by.user == casey_account
    staff = clinician_http.get(at(maple, "staff_documents:client", casey.public_id))
    assert "Uploaded on" in staff.content.decode()
    download = clinician_http.get(
        at(maple, "staff_documents:uploaded_file", casey.public_id, asked.public_id)
    )
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="documents.uploaded").count() == 1
    # Done: uploading again is a 404 (the request is no longer open).
    again = SimpleUploadedFile("letter.png", tiny_png(), "image/png")
    assert casey_http.post(_upload_url(maple, asked), {"file": again}).status_code == 404


def test_an_upload_that_is_not_a_pdf_jpeg_or_png_is_refused_and_nothing_is_stored(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient, private_files: Path
) -> None:
    asked = request_document(
        casey, by=by(clinician), title="Referral letter", instructions=""
    ).request
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a document", "application/pdf")
    response = casey_http.post(_upload_url(maple, asked), {"file": fake})
    assert response.status_code == 400
    assert "letter.pdf is not a PDF, JPEG or PNG file" in response.content.decode()
    asked.refresh_from_db()
    assert asked.fulfilled_at is None
    assert not StoredFile.objects.exists()
    assert [p for p in private_files.rglob("*") if p.is_file()] == []


def test_another_clients_request_cannot_be_fulfilled(
    maple: Practice, noah: Client, clinician: User, casey_http: HttpClient
) -> None:
    asked = request_document(
        noah, by=by(clinician), title="Referral letter", instructions=""
    ).request
    photo = SimpleUploadedFile("letter.png", tiny_png(), "image/png")
    assert casey_http.post(_upload_url(maple, asked), {"file": photo}).status_code == 404
    assert not StoredFile.objects.exists()
