"""A Spanish-speaking client checks their contact details and insurance in Spanish."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from tests.cast import at
from tests.profiles.conftest import turn_on

PROFILE = "portal_profile:profile"
INSURANCE = "portal_insurance:insurance"


def _speaks_spanish(client: Client) -> None:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=client.pk).update(language="es")


def test_the_profile_page_its_errors_and_its_thanks_speak_spanish(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    _speaks_spanish(casey)
    page = casey_http.get(at(features_on, PROFILE)).content.decode()
    assert "Sus datos de contacto" in page and "Estos datos son correctos" in page
    assert "Contacto de emergencia" in page and "Código postal (ZIP)" in page
    assert "Your contact details" not in page and "These details are right" not in page

    refused = casey_http.post(
        at(features_on, PROFILE),
        {"action": "save", "postal_code": "1234", "country": "US", "city": "Portland"},
    )
    text = refused.content.decode()
    assert "Un código postal (ZIP) de EE. UU. tiene 5 dígitos" in text
    assert "Por favor, corrija el campo marcado abajo. No se guardó nada." in text
    assert "A US ZIP code" not in text and "Nothing was saved" not in text

    confirmed = casey_http.post(at(features_on, PROFILE), {"action": "confirm"}, follow=True)
    assert "Gracias por confirmar sus datos." in confirmed.content.decode()


def test_the_insurance_page_and_a_refused_card_photo_speak_spanish(
    casey_http: HttpClient, features_on: Practice, casey: Client, private_files: Path
) -> None:
    turn_on(features_on, PortalFeature.PROFILE, PortalFeature.INSURANCE, reviewed=False)
    _speaks_spanish(casey)
    page = casey_http.get(at(features_on, INSURANCE)).content.decode()
    assert "Su seguro" in page and "Seguro principal" in page
    assert "El propio cliente (es el titular de la póliza)" in page
    assert "JPEG, PNG o HEIC, hasta 10 MB" in page
    assert "Your insurance" not in page and "Who is the policy holder?" not in page

    not_a_photo = SimpleUploadedFile("card.jpg", b"<html>hello</html>", content_type="image/jpeg")
    refused = casey_http.post(
        at(features_on, INSURANCE),
        {
            "rank": "primary",
            "payer_name": "Cascade Health",
            "member_id": "XZ 1234-567",
            "holder_relationship": "self",
            "card_front": not_a_photo,
        },
    )
    text = refused.content.decode()
    assert "card.jpg no es un archivo JPEG, PNG o HEIC" in text
    assert "is not a" not in text


def test_the_next_step_to_confirm_details_speaks_spanish(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    _speaks_spanish(casey)
    home = casey_http.get(at(features_on, "portal:home")).content.decode()
    assert "Confirme sus datos de contacto" in home
    assert "Confirm your contact details" not in home
