"""Personal information: edit names, date of birth, phone and the toggles; audited by name."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import at


def form_data(client: Client, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth.strftime("%m/%d/%Y"),
        "phone": client.phone,
        "portal_access_enabled": "on" if access_is_on(client) else None,
        "email_notifications_enabled": "on" if client.email_notifications_enabled else None,
    } | changes
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_shows_the_date_of_birth_as_mm_dd_yyyy(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    html = owner_http.get(at(maple, "clients:personal_information", casey.public_id)).content
    assert b'value="04/12/1990"' in html


def test_a_corrected_date_of_birth_is_saved_and_audited_without_its_value(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    response = front_desk_http.post(url, form_data(casey, date_of_birth="1990-04-21"))
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.date_of_birth.isoformat() == "1990-04-21"
    event = AuditEvent.objects.get(action="client.details_changed")
    assert event.details == {"fields": ["date_of_birth"]}
    assert "1990" not in str(event.details)


def test_names_phone_and_toggles_change_together(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    owner_http.post(
        url,
        form_data(
            casey,
            first_name="Cassandra",
            preferred_name="Casey",
            phone="+1 555 010 9999",
            portal_access_enabled=None,
        ),
    )
    casey.refresh_from_db()
    assert (casey.first_name, casey.preferred_name, casey.phone) == (
        "Cassandra",
        "Casey",
        "+1 555 010 9999",
    )
    assert access_is_on(casey) is False
    event = AuditEvent.objects.get(action="client.details_changed")
    assert set(event.details["fields"]) == {
        "first_name",
        "preferred_name",
        "phone",
        "portal_access_enabled",
    }


def test_a_bad_value_saves_nothing_not_even_the_good_ones(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    response = owner_http.post(url, form_data(casey, first_name="Cass", date_of_birth="02/31/1990"))
    assert response.status_code == 200
    assert "02/31/1990 is not a real date" in response.content.decode()
    casey.refresh_from_db()
    assert casey.first_name == "Casey"
    assert not AuditEvent.objects.filter(action="client.details_changed").exists()


def test_saving_without_changes_records_nothing(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    url = at(maple, "clients:personal_information", casey.public_id)
    owner_http.post(url, form_data(casey))
    assert not AuditEvent.objects.filter(action="client.details_changed").exists()


def test_the_client_page_has_an_actions_menu_with_personal_information_first(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    html = owner_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    menu = html[html.index('<details class="menu">') :]
    first_link = menu[menu.index("<li>") : menu.index("</li>")]
    assert "Personal information" in first_link
    assert "Age " in html
    assert 'class="card portal-panel"' in html
    assert "Access history" in html and "Client added" in html


def test_the_client_page_shows_its_history_in_the_practice_timezone(
    maple: Practice, casey: Client, owner_http: HttpClient, owner: User
) -> None:
    html = owner_http.get(at(maple, "clients:detail", casey.public_id)).content.decode()
    assert "Olivia Owner" in html


def test_archiving_hides_the_client_from_the_list_and_can_be_undone(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    owner_http.post(at(maple, "clients:archive", casey.public_id), follow=True)
    casey.refresh_from_db()
    assert casey.archived_at is not None
    assert "Casey" not in owner_http.get(at(maple, "clients:list")).content.decode()
    owner_http.post(at(maple, "clients:archive", casey.public_id))
    casey.refresh_from_db()
    assert casey.archived_at is None
