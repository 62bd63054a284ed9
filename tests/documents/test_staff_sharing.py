"""Staff share a PDF with a client: checked by content, 20 MB at most, nothing kept on refusal."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.documents.models import Document
from portico.files.models import StoredFile
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import PortalFeature, Practice
from tests.cast import at
from tests.documents.helpers import DOCUMENT_LIMIT, FILE_NAME, TITLE, pdf_file, pdf_of_size, share


def _share(http: HttpClient, practice: Practice, client: Client, upload: SimpleUploadedFile) -> str:
    response = http.post(
        at(practice, "staff_documents:share", client.public_id),
        {"category": "statement", "title": TITLE, "file": upload},
    )
    return response.content.decode() if response.status_code != 302 else ""


def _nothing_stored(private_files: Path) -> None:
    assert not Document.objects.exists()
    assert not StoredFile.objects.exists()
    assert [p for p in private_files.rglob("*") if p.is_file()] == []


def test_a_clinician_shares_a_pdf_and_the_client_is_told_without_its_name(
    maple: Practice, casey: Client, clinician_http: HttpClient
) -> None:
    assert _share(clinician_http, maple, casey, pdf_file()) == ""
    document = Document.objects.get()
    assert document.client == casey and document.title == TITLE
    assert document.file.content_type == "application/pdf"
    (email,) = OutboundEmail.objects.filter(kind=EmailKind.DOCUMENT_WAITING)
    assert email.to_address == "casey@example.com"
    assert email.subject == "Maple Counseling has shared a document with you"
    page = clinician_http.get(at(maple, "staff_documents:client", casey.public_id)).content.decode()
    assert TITLE in page and "Not opened yet" in page


def test_an_html_page_named_pdf_is_refused_with_the_reason_and_nothing_is_stored(
    maple: Practice, casey: Client, clinician_http: HttpClient, private_files: Path
) -> None:
    fake = SimpleUploadedFile(
        "statement.pdf", b"<html><script>alert(1)</script>", "application/pdf"
    )
    page = _share(clinician_http, maple, casey, fake)
    assert "statement.pdf is not a PDF file" in page
    assert "Nothing was shared or stored." in page
    _nothing_stored(private_files)
    assert not OutboundEmail.objects.exists()


def test_a_pdf_of_exactly_20_mb_is_accepted(
    maple: Practice, casey: Client, clinician_http: HttpClient
) -> None:
    assert _share(clinician_http, maple, casey, pdf_file(data=pdf_of_size(DOCUMENT_LIMIT))) == ""
    assert Document.objects.get().file.size == 20 * 1024 * 1024


def test_a_pdf_one_byte_over_20_mb_is_refused_and_nothing_is_stored(
    maple: Practice, casey: Client, clinician_http: HttpClient, private_files: Path
) -> None:
    page = _share(clinician_http, maple, casey, pdf_file(data=pdf_of_size(DOCUMENT_LIMIT + 1)))
    assert f"{FILE_NAME} is larger than the limit of 20 MB" in page
    _nothing_stored(private_files)


def test_sharing_while_documents_are_off_is_refused_with_a_sentence(
    maple: Practice, casey: Client, clinician_http: HttpClient, private_files: Path
) -> None:
    maple.portal_features = [f for f in maple.portal_features if f != PortalFeature.DOCUMENTS]
    maple.save(update_fields=["portal_features"])
    page = clinician_http.get(at(maple, "staff_documents:client", casey.public_id))
    assert page.status_code == 200  # staff may still look
    refused = _share(clinician_http, maple, casey, pdf_file())
    assert "Documents are turned off in Maple Counseling&#x27;s portal" in refused
    _nothing_stored(private_files)
    asked = clinician_http.post(
        at(maple, "staff_documents:ask", casey.public_id), {"title": "Referral letter"}
    )
    assert asked.status_code == 400 and "turned off" in asked.content.decode()


def test_a_title_is_required_and_said_so(
    maple: Practice, casey: Client, clinician_http: HttpClient, private_files: Path
) -> None:
    response = clinician_http.post(
        at(maple, "staff_documents:share", casey.public_id),
        {"category": "statement", "title": "  ", "file": pdf_file()},
    )
    assert response.status_code == 400
    assert "Give the document a title" in response.content.decode()
    _nothing_stored(private_files)


def test_no_title_or_file_name_is_written_to_the_audit_log(
    maple: Practice, casey: Client, clinician: User, clinician_http: HttpClient
) -> None:
    shared = share(casey, clinician)
    clinician_http.get(
        at(maple, "staff_documents:file", casey.public_id, shared.document.public_id)
    )
    clinician_http.post(
        at(maple, "staff_documents:withdraw", casey.public_id, shared.document.public_id)
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"documents.shared", "documents.staff_downloaded", "documents.withdrawn"} <= actions
    for event in AuditEvent.objects.filter(action__startswith="documents."):
        assert TITLE not in str(event.details) and FILE_NAME not in str(event.details)
        assert event.details["category"] == "statement"


def test_staff_download_the_shared_file_through_the_checked_response(
    maple: Practice, casey: Client, clinician: User, clinician_http: HttpClient
) -> None:
    shared = share(casey, clinician)
    response = clinician_http.get(
        at(maple, "staff_documents:file", casey.public_id, shared.document.public_id)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_the_outsider_gets_404_for_the_clients_documents_page_and_file(
    maple: Practice, casey: Client, clinician: User, outsider_http: HttpClient
) -> None:
    shared = share(casey, clinician)
    assert outsider_http.get(at(maple, "staff_documents:client", casey.public_id)).status_code in (
        302,
        404,
    )
    file_url = at(maple, "staff_documents:file", casey.public_id, shared.document.public_id)
    assert outsider_http.get(file_url).status_code in (302, 404)


def test_a_document_of_another_client_is_404_under_this_client(
    maple: Practice, casey: Client, noah: Client, clinician: User, clinician_http: HttpClient
) -> None:
    shared = share(noah, clinician)
    url = at(maple, "staff_documents:file", casey.public_id, shared.document.public_id)
    assert clinician_http.get(url).status_code == 404
    withdraw = at(maple, "staff_documents:withdraw", casey.public_id, shared.document.public_id)
    assert clinician_http.post(withdraw).status_code == 404
    assert Document.objects.get().withdrawn_at is None
