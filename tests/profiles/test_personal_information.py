"""Staff edit the address, pronouns and emergency contact on the Personal information page."""

from __future__ import annotations

from django.test import Client as HttpClient

from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at
from tests.clients.test_personal_information import form_data


def test_staff_see_and_save_the_new_fields_audited_by_name(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    page = front_desk_http.get(url).content.decode()
    for label in ("Pronouns", "Address line 1", "ZIP or postal code", "Emergency contact"):
        assert label in page
    response = front_desk_http.post(
        url,
        form_data(
            casey,
            pronouns="they/them",
            address_line1="5 Elm St",
            city="Portland",
            region="OR",
            postal_code="97201",
            country="us",
            emergency_contact_name="Dana Client",
            emergency_contact_phone="555 010 4444",
            emergency_contact_relationship="sister",
        ),
    )
    assert response.status_code == 302
    casey.refresh_from_db()
    assert (casey.address_line1, casey.country, casey.emergency_contact_phone) == (
        "5 Elm St",
        "US",
        "555 010 4444",
    )
    event = AuditEvent.objects.get(action="client.details_changed")
    assert set(event.details["fields"]) == {
        "pronouns",
        "address_line1",
        "city",
        "region",
        "postal_code",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
    }
    assert "Elm" not in str(event.details)


def test_the_same_checks_apply_as_in_the_portal(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    response = front_desk_http.post(url, form_data(casey, postal_code="123", city="X"))
    assert response.status_code == 200
    assert "A US ZIP code has 5 digits" in response.content.decode()
    casey.refresh_from_db()
    assert casey.city == ""
