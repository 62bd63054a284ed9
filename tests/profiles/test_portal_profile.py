"""The portal profile page: a client (or a parent acting for a child) reviews and updates
their contact details; changes wait for review or apply at once, per the practice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from portico.profiles.models import ChangeStatus, ProfileChange
from portico.profiles.queries import client_values
from tests.cast import PASSWORD, Family, at, end_contact_access, invite, register_new
from tests.profiles.conftest import turn_on

PROFILE = "portal_profile:profile"


def form_of(client: Client, **changes: str) -> dict[str, str]:
    """What the page posts: every field as on file, with ``changes``."""
    return client_values(client) | changes


def post(http: HttpClient, practice: Practice, data: dict[str, str], action: str = "save") -> Any:
    return http.post(at(practice, PROFILE), data | {"action": action})


def test_the_page_shows_the_details_on_file(
    casey_http: HttpClient, features_on: Practice, casey: Client, owner: User
) -> None:
    from portico.clients.actions import update_client_details

    update_client_details(casey, by=Actor.for_user(owner), city="Salem", pronouns="she/her")
    page = casey_http.get(at(features_on, PROFILE)).content.decode()
    assert "Your contact details" in page
    assert 'value="Salem"' in page and 'value="she/her"' in page
    assert "These details are right" in page
    assert 'value="US"' in page  # the default country


def test_while_the_practice_reviews_a_change_waits_and_nothing_on_file_moves(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    response = post(
        casey_http,
        features_on,
        form_of(casey, address_line1="12 Oak St", city="Portland", postal_code="97201"),
    )
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.address_line1 == "" and casey.city == ""
    changes = {c.field: c for c in ProfileChange.objects.filter(client=casey)}
    assert set(changes) == {"address_line1", "city", "postal_code"}
    change = changes["address_line1"]
    assert (change.old_value, change.new_value, change.status) == ("", "12 Oak St", "pending")
    assert change.requested_by is not None and change.requested_by.username == "casey"
    assert change.requested_by_access is not None and change.requested_by_access.is_own
    page = casey_http.get(at(features_on, PROFILE)).content.decode()
    assert page.count("Waiting for Maple Counseling to review") == 3
    assert 'value="12 Oak St"' in page  # the client sees what they asked for
    assert "will review your changes" in page


def test_saving_again_updates_the_pending_change_and_changing_back_withdraws_it(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    post(casey_http, features_on, form_of(casey, pronouns="they/them"))
    post(casey_http, features_on, form_of(casey, pronouns="she/they"))
    pending = ProfileChange.objects.get(client=casey, status=ChangeStatus.PENDING)
    assert pending.new_value == "she/they"
    post(casey_http, features_on, form_of(casey))
    assert not ProfileChange.objects.filter(client=casey, status=ChangeStatus.PENDING).exists()
    assert ProfileChange.objects.get(client=casey).status == ChangeStatus.WITHDRAWN


def test_without_review_a_change_applies_at_once_and_is_audited_by_field_name(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    turn_on(features_on, PortalFeature.PROFILE, reviewed=False)
    response = post(casey_http, features_on, form_of(casey, phone="555 010 9999", city="Eugene"))
    assert response.status_code == 302
    casey.refresh_from_db()
    assert (casey.phone, casey.city) == ("555 010 9999", "Eugene")
    assert not ProfileChange.objects.exists()
    applied = AuditEvent.objects.get(action="profile.change.applied")
    assert sorted(applied.details["fields"]) == ["city", "phone"]
    assert "555" not in str(applied.details) and "Eugene" not in str(applied.details)
    edit = AuditEvent.objects.get(action="client.details_changed", client=casey)
    assert edit.actor is not None and edit.actor.username == "casey"


def test_these_details_are_right_confirms_and_saves_what_was_typed(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    response = post(casey_http, features_on, form_of(casey, pronouns="he/him"), "confirm")
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.profile_confirmed_at is not None
    assert ProfileChange.objects.get(client=casey).new_value == "he/him"
    assert AuditEvent.objects.filter(action="profile.confirmed", client=casey).exists()
    page = casey_http.get(at(features_on, PROFILE)).content.decode()
    assert "Thank you for confirming your details." in page and "Last confirmed on" in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("preferred_name", "x" * 81, "Use at most 80 characters (you typed 81)."),
        ("pronouns", "x" * 41, "Use at most 40 characters (you typed 41)."),
        ("phone", "call me", "Use only digits, spaces and + ( ) - . in a phone number."),
        ("phone", "12 34", "A phone number has 7 to 20 digits; this one has 4."),
        ("address_line1", "x" * 121, "Use at most 120 characters (you typed 121)."),
        ("address_line2", "x" * 121, "Use at most 120 characters (you typed 121)."),
        ("city", "x" * 81, "Use at most 80 characters (you typed 81)."),
        ("region", "x" * 81, "Use at most 80 characters (you typed 81)."),
        ("postal_code", "x" * 21, "Use at most 20 characters (you typed 21)."),
        ("postal_code", "9720", "A US ZIP code has 5 digits (or 5+4, like 97201-1234)."),
        (
            "postal_code",
            "97201#",
            "Use only letters, digits, spaces and - in a ZIP or postal code.",
        ),
        ("country", "USA", "Use at most 2 characters (you typed 3)."),
        ("country", "1A", "Enter the country as two letters, for example US or CA."),
        ("emergency_contact_name", "x" * 121, "Use at most 120 characters (you typed 121)."),
        ("emergency_contact_name", "Dana", "Add a phone number for Dana, so the practice can"),
        ("emergency_contact_phone", "555 010 2222", "Enter whose phone number this is."),
        ("emergency_contact_relationship", "x" * 61, "Use at most 60 characters (you typed 61)."),
    ],
)
def test_every_field_has_a_limit_and_an_error_of_its_own_and_nothing_is_saved(
    casey_http: HttpClient, features_on: Practice, casey: Client, field: str, value: str, error: str
) -> None:
    data = form_of(casey, **{field: value})
    response = post(casey_http, features_on, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert error.replace("'", "&#x27;") in page, page[:3000]
    assert "Nothing was saved." in page
    shown_on = {"emergency_contact_name": "emergency_contact_phone"} if value == "Dana" else {}
    shown_on |= {"emergency_contact_phone": "emergency_contact_name"} if value[0] == "5" else {}
    where = shown_on.get(field, field)
    assert f'id="id_{where}_error"' in page  # tied to its field (aria-describedby)
    assert not ProfileChange.objects.exists()


def test_a_canadian_postal_code_is_fine_with_the_country_ca(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    response = post(
        casey_http,
        features_on,
        form_of(casey, address_line1="1 Rue", city="Montréal", postal_code="h2x 1y4", country="ca"),
    )
    assert response.status_code == 302
    values = dict(ProfileChange.objects.values_list("field", "new_value"))
    assert values["postal_code"] == "H2X 1Y4" and values["country"] == "CA"


@pytest.fixture
def pat(family: Family, owner: User) -> User:
    return register_new(invite(family.pat_for_mia, owner))


def test_a_parent_updates_their_childs_details_and_the_change_records_who_asked(
    maple: Practice, family: Family, pat: User
) -> None:
    turn_on(maple, PortalFeature.PROFILE)
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": pat.username, "password": PASSWORD})
    page = http.get(at(maple, PROFILE)).content.decode()
    assert "Mia's contact details" in page
    post(
        http,
        maple,
        form_of(
            family.mia, emergency_contact_name="Pat Parent", emergency_contact_phone="555 010 3333"
        ),
    )
    change = ProfileChange.objects.get(client=family.mia, field="emergency_contact_name")
    assert change.requested_by == pat
    assert change.requested_by_access is not None
    assert change.requested_by_access.contact == family.pat_for_mia


def test_a_parent_whose_access_was_revoked_is_refused_on_the_next_request(
    maple: Practice, family: Family, pat: User, owner: User
) -> None:
    turn_on(maple, PortalFeature.PROFILE)
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": pat.username, "password": PASSWORD})
    assert http.get(at(maple, PROFILE)).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    response = post(http, maple, form_of(family.mia, city="Nowhere"))
    assert response.status_code in (302, 403)
    assert not ProfileChange.objects.exists()
    assert http.get(at(maple, PROFILE)).status_code in (302, 403)


def test_the_page_is_a_404_while_the_feature_is_off(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    turn_on(features_on, PortalFeature.INSURANCE)
    assert casey_http.get(at(features_on, PROFILE)).status_code == 404
    assert post(casey_http, features_on, form_of(casey, city="X")).status_code == 404
    assert not ProfileChange.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(features_on: Practice) -> None:
    response = HttpClient().get(at(features_on, PROFILE))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_staff_and_the_outsider_are_not_portal_users(
    features_on: Practice, owner_http: HttpClient, outsider_http: HttpClient
) -> None:
    assert owner_http.get(at(features_on, PROFILE)).status_code in (302, 404)
    response = outsider_http.get(at(features_on, PROFILE))
    assert response.status_code in (302, 404)
    assert b"contact details" not in response.content


def test_after_review_is_turned_off_an_older_request_is_not_applied_by_the_next_save(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    post(casey_http, features_on, form_of(casey, city="Old Request"))
    turn_on(features_on, PortalFeature.PROFILE, reviewed=False)
    page = casey_http.get(at(features_on, PROFILE)).content.decode()
    assert "Old Request" not in page
    post(casey_http, features_on, form_of(casey, pronouns="she/her"), "confirm")
    casey.refresh_from_db()
    assert (casey.city, casey.pronouns) == ("", "she/her")
    assert ProfileChange.objects.get(field="city").status == ChangeStatus.PENDING
