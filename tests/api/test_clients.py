"""Clients over the API: the staff forms' rules and messages, problem details for every error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.forms import AddClientForm
from portico.clients.models import Client
from portico.lib.localtime import practice_today
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.api.conftest import Api
from tests.cast import make_client

ANN = {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "01/02/1990"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


# --- create -------------------------------------------------------------------------------


def test_adding_a_client_with_an_email_sends_the_invitation_when_the_practice_says_so(
    api: Api, maple: Practice
) -> None:
    assert maple.invite_on_add
    response = api.post("clients", ANN | {"email": "ann@example.com"})

    assert response.status_code == 201
    body = response.json()
    assert body["portal"]["state"] == "invited"
    assert body["emails"][0] == body["emails"][0] | {
        "address": "ann@example.com",
        "is_default": True,
    }
    assert response["Location"].endswith(f"/api/v1/clients/{body['id']}")
    assert OutboundEmail.objects.filter(to_address="ann@example.com").count() == 1


def test_without_invite_on_add_the_client_is_added_and_nothing_is_sent(
    api: Api, maple: Practice
) -> None:
    maple.invite_on_add = False
    maple.save(update_fields=["invite_on_add"])
    body = api.post("clients", ANN | {"email": "ann@example.com"}).json()
    assert body["portal"]["state"] == "not_invited"
    assert not OutboundEmail.objects.exists()


def test_a_minor_is_added_with_portal_access_off_by_the_practice_rule(api: Api) -> None:
    born = timezone.localdate().replace(year=timezone.localdate().year - 10)
    body = api.post("clients", ANN | {"date_of_birth": born.isoformat()}).json()
    assert body["portal"]["enabled"] is False


def test_validation_messages_are_the_add_client_forms_own(api: Api, maple: Practice) -> None:
    bad = {"first_name": "", "last_name": "Lee", "date_of_birth": "1990/01/02", "phone": "abc"}
    form = AddClientForm(bad, today=practice_today(maple))
    assert not form.is_valid()

    problem = _problem(api.post("clients", bad), 422)

    by_field = {error["field"]: error["message"] for error in problem["errors"]}
    assert by_field == {field: errors[0] for field, errors in form.errors.items()}
    assert "Enter the client's first name." in by_field["first_name"]
    assert "MM/DD/YYYY" in by_field["date_of_birth"]
    assert not Client.objects.filter(last_name="Lee").exists()


def test_a_typo_looking_address_is_stopped_unless_kept_as_typed(api: Api) -> None:
    problem = _problem(api.post("clients", ANN | {"email": "ann@gmial.com"}), 422)
    assert problem["errors"][0]["field"] == "email"
    assert problem["errors"][0]["code"] == "typo_hint"
    assert "gmail.com" in problem["errors"][0]["message"]

    kept = api.post("clients", ANN | {"email": "ann@gmial.com", "keep_email_as_typed": True})
    assert kept.status_code == 201
    assert kept.json()["emails"][0]["address"] == "ann@gmial.com"


def test_an_unknown_field_is_refused_and_named(api: Api) -> None:
    problem = _problem(api.post("clients", ANN | {"ssn": "123"}), 422)
    assert problem["detail"] == "Unknown fields were sent."
    assert {
        "field": "ssn",
        "message": "This field is not part of this operation.",
        "code": "extra_forbidden",
    } in problem["errors"]


def test_malformed_json_is_a_400_problem(api: Api) -> None:
    problem = _problem(api.post("clients", raw=b'{"first_name": "Ann",'), 400)
    assert problem["detail"] == "The request body is not valid JSON."


def test_a_body_over_1_mb_is_refused_with_413(api: Api) -> None:
    huge = '{"first_name": "' + "a" * (1024 * 1024 + 1) + '"}'
    problem = _problem(api.post("clients", raw=huge), 413)
    assert "1024 KB" in problem["detail"]


def test_a_body_of_exactly_1_mb_is_read(api: Api) -> None:
    body = '{"first_name": "' + "a" * (1024 * 1024 - 20) + '"}'
    assert len(body) <= 1024 * 1024
    assert api.post("clients", raw=body).status_code == 422  # read, then refused as a name


def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(api: Api, casey: Client) -> None:
    response = api.call("PUT", f"clients/{casey.public_id}", {})
    problem = _problem(response, 405)
    assert "GET" in response["Allow"] and "PATCH" in response["Allow"]
    assert problem["type"] == "urn:portico:problem:method-not-allowed"


def test_an_unknown_address_under_the_api_is_a_404_problem(api: Api) -> None:
    _problem(api.get("no-such-thing"), 404)


def test_a_malformed_client_id_is_a_422_problem(api: Api) -> None:
    _problem(api.get("clients/not-a-uuid"), 422)


# --- read, list, update, archive ----------------------------------------------------------


def test_the_list_pages_with_a_cursor_until_null(api: Api, maple: Practice, owner: User) -> None:
    for index in range(5):
        make_client(maple, owner, f"P{index}", f"Person{index}")
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = api.get(f"clients?limit=2&cursor={cursor}").json()
        seen += [item["last_name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Person{index}" for index in range(5)]


def test_the_list_filters_by_portal_state(api: Api, casey: Client, noah: Client) -> None:
    api.post(f"clients/{casey.public_id}/access/invite")
    invited = api.get("clients?portal_state=invited").json()["items"]
    assert [item["first_name"] for item in invited] == ["Casey"]
    not_invited = api.get("clients?portal_state=not_invited").json()["items"]
    assert "Casey" not in [item["first_name"] for item in not_invited]


def test_the_list_filters_by_updated_since_oldest_change_first(
    api: Api, maple: Practice, owner: User
) -> None:
    older = make_client(maple, owner, "Old", "Change")
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        newer = make_client(maple, owner, "New", "Change")
    since = (later - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    items = api.get("clients", headers={}).json()["items"]
    assert {item["id"] for item in items} >= {str(older.public_id), str(newer.public_id)}
    changed = api.call("GET", f"clients?updated_since={since}").json()["items"]
    assert [item["id"] for item in changed] == [str(newer.public_id)]


def test_reading_a_client_is_recorded_like_opening_their_page(api: Api, casey: Client) -> None:
    body = api.get(f"clients/{casey.public_id}").json()
    assert body["date_of_birth"] == casey.date_of_birth.isoformat()
    event = AuditEvent.objects.filter(client=casey, action="client.record.viewed").get()
    assert event.actor_label.startswith("API key owner key (pk_live_")


def test_patch_changes_only_the_fields_sent_through_the_details_form(
    api: Api, casey: Client
) -> None:
    response = api.call("PATCH", f"clients/{casey.public_id}", {"preferred_name": "Cas"})
    assert response.status_code == 200
    casey.refresh_from_db()
    assert (casey.preferred_name, casey.first_name) == ("Cas", "Casey")
    event = AuditEvent.objects.filter(client=casey, action="client.details_changed").get()
    assert event.details == {"fields": ["preferred_name"]}
    assert event.actor is None and event.actor_label.startswith("API key")

    refused = api.call("PATCH", f"clients/{casey.public_id}", {"date_of_birth": "13/45/1990"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "date_of_birth"


def test_patch_turns_portal_access_off_as_the_switch_on_the_form_does(
    api: Api, casey: Client
) -> None:
    body = api.call("PATCH", f"clients/{casey.public_id}", {"portal_access_enabled": False}).json()
    assert body["portal"]["state"] == "disabled"


def test_archive_and_unarchive(api: Api, casey: Client) -> None:
    assert api.post(f"clients/{casey.public_id}/archive").json()["archived"] is True
    assert api.get("clients").json()["items"] == []
    assert [c["id"] for c in api.get("clients?archived=true").json()["items"]] == [
        str(casey.public_id)
    ]
    assert api.post(f"clients/{casey.public_id}/unarchive").json()["archived"] is False


def test_emails_add_make_default_and_remove(api: Api, casey: Client) -> None:
    added = api.post(f"clients/{casey.public_id}/emails", {"email": "Casey.Work@Example.com"})
    assert added.status_code == 201
    email = added.json()
    assert email == email | {"address": "Casey.Work@example.com", "is_default": False}

    made = api.post(f"clients/{casey.public_id}/emails/{email['id']}/default")
    assert made.json()["is_default"] is True
    duplicate = api.post(f"clients/{casey.public_id}/emails", {"email": "casey.work@example.com"})
    assert duplicate.status_code == 422

    assert api.call("DELETE", f"clients/{casey.public_id}/emails/{email['id']}").status_code == 204
    emails = api.get(f"clients/{casey.public_id}").json()["emails"]
    assert [(e["address"], e["is_default"]) for e in emails] == [("casey@example.com", True)]


def test_contacts_add_with_the_people_forms_rules(api: Api, casey: Client) -> None:
    refused = api.post(
        f"clients/{casey.public_id}/contacts",
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "relationship": "other",
            "portal_access_enabled": True,
        },
    )
    fields = {error["field"] for error in _problem(refused, 422)["errors"]}
    assert fields == {"relationship_note", "email"}

    added = api.post(
        f"clients/{casey.public_id}/contacts",
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "relationship": "partner",
            "email": "sam@example.com",
            "portal_access_enabled": True,
        },
    )
    assert added.status_code == 201
    contact = added.json()
    assert contact["portal"] == contact["portal"] | {"person": "contact", "state": "not_invited"}
    listed = api.get(f"clients/{casey.public_id}/contacts").json()
    assert [c["id"] for c in listed] == [contact["id"]]

    sent = api.post(f"clients/{casey.public_id}/contacts/{contact['id']}/access/invite")
    assert sent.status_code == 200
    assert sent.json()["status"]["state"] == "invited"
    path = f"clients/{casey.public_id}/contacts/{contact['id']}"
    assert api.call("DELETE", path).status_code == 204
    assert api.get(path).status_code == 404


# --- language -----------------------------------------------------------------------------


def test_a_client_added_in_spanish_gets_a_spanish_invitation(api: Api, maple: Practice) -> None:
    assert maple.invite_on_add
    body = api.post("clients", ANN | {"email": "ann@example.com", "language": "es"}).json()
    assert body["language"] == "es"
    invitation = OutboundEmail.objects.get(to_address="ann@example.com")
    assert 'lang="es"' in invitation.html_body
    assert api.post("clients", ANN | {"first_name": "Bo"}).json()["language"] == "en"


def test_an_unknown_language_is_refused_by_the_forms_rule(api: Api) -> None:
    problem = _problem(api.post("clients", ANN | {"language": "fr"}), 422)
    assert [error["field"] for error in problem["errors"]] == ["language"]
    assert not Client.objects.filter(last_name="Lee").exists()


def test_patching_the_language_is_audited_and_leaves_the_rest(api: Api, casey: Client) -> None:
    body = api.call("PATCH", f"clients/{casey.public_id}", {"language": "es"}).json()
    assert body["language"] == "es"
    casey.refresh_from_db()
    assert (casey.language, casey.first_name) == ("es", "Casey")
    assert AuditEvent.objects.filter(client=casey, action=Action.LANGUAGE_CHANGED).exists()
    untouched = api.call("PATCH", f"clients/{casey.public_id}", {"preferred_name": "Cas"}).json()
    assert untouched["language"] == "es"


def test_a_contact_has_a_language_of_their_own(api: Api, casey: Client) -> None:
    contact = api.post(
        f"clients/{casey.public_id}/contacts",
        {"first_name": "Ana", "last_name": "Client", "relationship": "partner", "language": "es"},
    ).json()
    assert contact["language"] == "es"
    assert casey.contacts.get().language == "es"
    assert api.get(f"clients/{casey.public_id}").json()["language"] == "en"
