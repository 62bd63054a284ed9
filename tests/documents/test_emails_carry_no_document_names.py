"""No email of any kind carries a document's title, category or file name.

Every kind is rendered with what a careless caller could hand the renderer, next to
a real shared document: the default template, and a practice's own template using
every placeholder it may use.
"""

from __future__ import annotations

from typing import Any

import pytest

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import request_document
from portico.documents.models import Document
from portico.mail.actions import save_template_override
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.placeholders import AVAILABLE
from portico.mail.rendering import RenderedEmail, render_email
from portico.practices.models import Practice
from tests.cast import by
from tests.documents.helpers import FILE_NAME, TITLE, share

REQUEST_TITLE = "Discharge letter from the psychiatric ward"
SECRETS = (TITLE, FILE_NAME, REQUEST_TITLE, "grief", "psychiatric", "Statement", "statement")


@pytest.fixture
def document(casey: Client, clinician: User) -> Document:
    return share(casey, clinician).document


def _caller_context(document: Document) -> dict[str, Any]:
    """What a caller could pass: the allowed values, and records that must be dropped."""
    return {
        "greeting_name": "Casey",
        "link": "https://portal.example.com/p/maple/documents/",
        "title": document.title,
        "document_title": document.title,
        "category": document.get_category_display(),
        "document_category": document.category,
        "file_name": document.file.original_name,
        "original_name": document.file.original_name,
        "request_title": REQUEST_TITLE,
        "document": document,
        "file": document.file,
        "client": document.client,
    }


def _assert_clean(rendered: RenderedEmail, kind: str) -> None:
    for part in (rendered.subject, rendered.text, rendered.html):
        for secret in SECRETS:
            assert secret not in part, f"{kind}: {secret!r} leaked into an email"


@pytest.mark.parametrize("kind", list(EmailKind))
def test_the_default_email_of_every_kind_names_no_document(
    maple: Practice, document: Document, kind: EmailKind
) -> None:
    _assert_clean(render_email(maple, kind, _caller_context(document)), kind)


@pytest.mark.parametrize("kind", [k for k in EmailKind if k != EmailKind.TEST])
def test_a_practice_template_with_every_placeholder_names_no_document(
    maple: Practice, owner: User, document: Document, kind: EmailKind
) -> None:
    everything = " ".join("{{ %s }}" % name for name in AVAILABLE[kind])  # noqa: UP031
    subject = everything if len(everything) <= 200 else "{{ practice_name }}"
    save_template_override(maple, kind=kind, subject=subject, body_text=everything, by=by(owner))
    _assert_clean(render_email(maple, kind, _caller_context(document)), kind)


def test_the_document_emails_actually_queued_name_no_document(
    maple: Practice, casey: Client, clinician: User, document: Document
) -> None:
    from django.utils import timezone

    from portico.documents.models import DocumentNotice

    DocumentNotice.objects.update(seen_at=timezone.now())  # looked: the next one goes at once
    request_document(casey, by=by(clinician), title=REQUEST_TITLE, instructions="Bring it")
    emails = OutboundEmail.objects.filter(
        kind__in=[EmailKind.DOCUMENT_WAITING, EmailKind.DOCUMENT_REQUESTED]
    )
    assert {e.kind for e in emails} == {EmailKind.DOCUMENT_WAITING, EmailKind.DOCUMENT_REQUESTED}
    for email in emails:
        _assert_clean(RenderedEmail(email.subject, email.text_body, email.html_body), "queued")


@pytest.mark.parametrize("kind", [EmailKind.DOCUMENT_WAITING, EmailKind.DOCUMENT_REQUESTED])
def test_a_practice_can_edit_the_document_emails_and_must_keep_the_link(
    maple: Practice, owner_http: Any, kind: EmailKind
) -> None:
    url = f"/p/{maple.slug}/staff/email/templates/{kind}/"
    page = owner_http.get(url)
    assert page.status_code == 200
    assert "{{ link }}" in page.content.decode()
    refused = owner_http.post(
        url, {"subject": "A document", "body_text": "Hello {{ greeting_name }}", "action": "save"}
    )
    assert "must contain {{ link }}" in refused.content.decode()
    preview = owner_http.post(
        url,
        {
            "subject": "A document",
            "body_text": "Hello {{ greeting_name }} {{ link }}",
            "preview": "1",
        },
    )
    assert preview.status_code == 200
    assert "Hello Alex" in preview.content.decode()
