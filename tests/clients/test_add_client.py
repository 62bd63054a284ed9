"""Adding a client: every field rule has its own message, and nothing is saved on error."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.queries import access_is_on
from portico.audit.models import AuditEvent
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice
from tests.cast import at

GOOD = {
    "first_name": "Jane",
    "last_name": "Doe",
    "preferred_name": "",
    "date_of_birth": "04/12/1990",
    "phone": "(555) 010-2030",
    "email": "jane@gmail.com",
    "portal_access_enabled": "on",
    "email_notifications_enabled": "on",
}


def post(http: HttpClient, practice: Practice, **changes: Any) -> Any:
    data = {k: v for k, v in (GOOD | changes).items() if v is not None}
    return http.post(at(practice, "clients:add"), data)


def test_a_complete_form_adds_the_client_with_the_default_email(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    response = post(front_desk_http, maple)
    client = Client.objects.get(first_name="Jane")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/staff/clients/{client.public_id}/")
    assert client.date_of_birth.isoformat() == "1990-04-12"
    assert access_is_on(client) and client.email_notifications_enabled
    assert ClientEmail.objects.get(client=client, is_default=True).address == "jane@gmail.com"
    event = AuditEvent.objects.get(action="client.added", client=client)
    assert "1990" not in str(event.details)


def test_the_iso_date_format_is_accepted_too(maple: Practice, front_desk_http: HttpClient) -> None:
    post(front_desk_http, maple, date_of_birth="1990-04-12")
    assert Client.objects.get(first_name="Jane").date_of_birth.isoformat() == "1990-04-12"


def test_the_toggles_are_on_when_the_form_opens(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    html = front_desk_http.get(at(maple, "clients:add")).content.decode()
    for name in ("portal_access_enabled", "email_notifications_enabled"):
        tag = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
        assert tag is not None and " checked" in tag[0]


def test_the_toggles_can_be_turned_off(maple: Practice, front_desk_http: HttpClient) -> None:
    post(front_desk_http, maple, portal_access_enabled=None, email_notifications_enabled=None)
    client = Client.objects.get(first_name="Jane")
    assert not access_is_on(client) and not client.email_notifications_enabled


def test_email_is_optional(maple: Practice, front_desk_http: HttpClient) -> None:
    assert post(front_desk_http, maple, email="").status_code == 302
    assert not ClientEmail.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": "  "}, "first_name", "Enter the client&#x27;s first name."),
        ({"last_name": ""}, "last_name", "Enter the client&#x27;s last name."),
        ({"first_name": "x" * 81}, "first_name", "at most 80 characters"),
        ({"date_of_birth": ""}, "date_of_birth", "Enter the date of birth as MM/DD/YYYY"),
        ({"date_of_birth": "12.04.1990"}, "date_of_birth", "Enter the date of birth as MM/DD/YYYY"),
        ({"date_of_birth": "1990/04/12"}, "date_of_birth", "is not in that format"),
        ({"date_of_birth": "02/30/1990"}, "date_of_birth", "02/30/1990 is not a real date"),
        ({"date_of_birth": "13/01/1990"}, "date_of_birth", "13/01/1990 is not a real date"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "1990-02-30 is not a real date"),
        ({"date_of_birth": "01/01/2031"}, "date_of_birth", "The date of birth is in the future"),
        ({"date_of_birth": "12/31/1899"}, "date_of_birth", "more than 120 years old"),
        ({"date_of_birth": "06/01/1905"}, "date_of_birth", "more than 120 years old"),
        ({"phone": "555-CALL-NOW"}, "phone", "Use only digits, spaces and + ( ) - ."),
        ({"phone": "12345"}, "phone", "A phone number has 7 to 20 digits; this one has 5."),
        ({"phone": "1" * 21}, "phone", "A phone number has 7 to 20 digits; this one has 21."),
        ({"email": "jane@"}, "email", "This email address is not valid"),
        ({"email": "jane gmail.com"}, "email", "This email address is not valid"),
    ],
)
@time_machine.travel("2026-06-15 12:00 -0400", tick=False)
def test_each_field_rule_has_its_message_and_nothing_is_saved(
    changes: dict[str, str],
    field: str,
    message: str,
    maple: Practice,
    front_desk_http: HttpClient,
) -> None:
    response = post(front_desk_http, maple, **changes)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert (
        f'aria-describedby="id_{field}' in html or f"id_{field}_helptext id_{field}_error" in html
    )
    assert "Nothing was saved." in html
    assert not Client.objects.exists()
    assert not ClientEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="client.added").exists()


@time_machine.travel("2026-06-15 12:00 -0400", tick=False)
def test_today_is_a_valid_date_of_birth_and_tomorrow_is_not(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    assert post(front_desk_http, maple, date_of_birth="06/16/2026").status_code == 200
    assert post(front_desk_http, maple, date_of_birth="06/15/2026").status_code == 302


def test_the_first_field_with_an_error_gets_the_focus(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    html = post(front_desk_http, maple, last_name="", phone="12").content.decode()
    assert html.count("autofocus") == 1
    assert 'name="last_name"' in html[html.index("autofocus") - 200 : html.index("autofocus")]


def test_a_clinician_may_add_clients(maple: Practice, clinician: Any) -> None:
    http = HttpClient()
    http.force_login(clinician)
    assert post(http, maple).status_code == 302
