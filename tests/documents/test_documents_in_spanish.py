"""A Spanish-speaking client sees shared documents and uploads what was asked for, in Spanish."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import request_document
from portico.practices.models import Practice
from portico.profiles.demo import tiny_png
from tests.cast import at, by
from tests.documents.helpers import share

LIST = "portal_documents:list"


def _speaks_spanish(client: Client) -> None:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=client.pk).update(language="es")


def test_the_documents_page_and_an_upload_speak_spanish(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient, private_files: Path
) -> None:
    share(casey, clinician, title="Statement for March")
    asked = request_document(
        casey, by=by(clinician), title="Referral letter", instructions=""
    ).request
    _speaks_spanish(casey)
    page = casey_http.get(at(maple, LIST)).content.decode()
    assert "Compartidos con usted" in page and "Estado de cuenta" in page
    assert "Maple Counseling le ha pedido" in page and "PDF, JPEG o PNG, hasta 20 MB." in page
    assert "Statement for March" in page and "Referral letter" in page  # titles as staff wrote
    assert "Shared with you" not in page and "has asked you for" not in page

    upload = at(maple, "portal_documents:upload", asked.public_id)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a document", "application/pdf")
    refused = casey_http.post(upload, {"file": fake}).content.decode()
    assert "letter.pdf no es un archivo PDF, JPEG o PNG" in refused
    assert "Su documento no se subió." in refused and "is not a" not in refused

    photo = SimpleUploadedFile("letter.png", tiny_png(), "image/png")
    sent = casey_http.post(upload, {"file": photo}, follow=True).content.decode()
    assert "Gracias. Maple Counseling ya puede ver su documento." in sent
    assert "Lo que usted envió" in sent


def test_the_next_steps_for_documents_speak_spanish(
    maple: Practice, casey: Client, clinician: User, casey_http: HttpClient
) -> None:
    share(casey, clinician)
    request_document(casey, by=by(clinician), title="Referral letter", instructions="")
    _speaks_spanish(casey)
    home = casey_http.get(at(maple, "portal:home")).content.decode()
    assert "Suba 1 documento solicitado" in home and "Abra 1 documento nuevo" in home
    assert "Upload 1 requested document" not in home
