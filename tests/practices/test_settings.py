"""Practice settings: every field rule has its own message; a bad form saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils.html import escape

from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.practices.actions import update_practice_settings
from portico.practices.forms import FEATURE_DESCRIPTIONS, PracticeSettingsForm, feature_choices
from portico.practices.models import PortalFeature, Practice, default_features
from tests.cast import at


def good_data(practice: Practice, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": practice.name,
        "timezone": practice.timezone,
        "phone": "(555) 123-4567",
        "email": "office@maple.test",
        "invite_lifetime_hours": "48",
        "reset_lifetime_hours": "24",
        "dob_check": "on",
        "sign_in_identifier": "email",
        "invite_on_add": "on",
        "portal_features": ["messages", "forms"],
        "intake_auto_assign": "on",
        "profile_changes_reviewed": "on",
        "staff_idle_minutes": "15",
        "client_idle_minutes": "30",
        "age_of_majority": "18",
        "sender_name": "Maple Counseling",
        "reply_to": "frontdesk@maple.test",
        "unopened_invitation_days": "7",
        "weekly_access_summary": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


BAD_FIELDS = [
    ("name", "", "Enter the practice name."),
    ("name", "x" * 121, "Keep the practice name to 120 characters or fewer."),
    ("timezone", "Mars/Olympus_Mons", "Choose a time zone from the list"),
    ("phone", "call me maybe", "Enter a phone number with digits"),
    ("email", "office@", "Enter an email address like office@example.com."),
    ("invite_lifetime_hours", "12", "Choose one of the listed lengths"),
    ("reset_lifetime_hours", "999", "Choose one of the listed lengths"),
    ("sign_in_identifier", "phone", "Choose email address or username."),
    ("portal_features", ["messages", "teleportation"], "Choose features from the list."),
    # Switches of features that do not exist yet are gone: nothing is listed that does not work.
    ("portal_features", ["billing"], "Choose features from the list."),
    ("portal_features", ["demographics"], "Choose features from the list."),
    ("staff_idle_minutes", "4", "Use at least 5 minutes"),
    ("staff_idle_minutes", "241", "Use at most 240 minutes"),
    ("staff_idle_minutes", "ten", "Enter a whole number of minutes"),
    ("client_idle_minutes", "", "Enter a number of minutes between 5 and 240."),
    ("age_of_majority", "15", "Enter an age between 16 and 21."),
    ("age_of_majority", "22", "Enter an age between 16 and 21."),
    ("sender_name", "Maple <billing@evil.test>", "The sender name cannot contain"),
    ("sender_name", "y" * 81, "Keep the sender name to 80 characters or fewer."),
    ("reply_to", "not an email", "Enter an email address like office@example.com."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_the_settings_form_rejects_each_bad_field_with_its_own_message_and_saves_nothing(
    maple: Practice, owner_http: HttpClient, field: str, value: Any, message: str
) -> None:
    before = Practice.objects.values().get(pk=maple.pk)
    response = owner_http.post(at(maple, "practices:settings"), good_data(maple, **{field: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(str(e) for e in form.errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert Practice.objects.values().get(pk=maple.pk) == before
    assert not AuditEvent.objects.filter(action="practice.settings_changed").exists()


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS)
def test_the_form_alone_names_the_same_problem(
    maple: Practice, field: str, value: Any, message: str
) -> None:
    form = PracticeSettingsForm.for_practice(maple, good_data(maple, **{field: value}))
    assert not form.is_valid()
    assert message in " ".join(str(e) for e in form.errors[field])


def test_saving_changes_audits_the_changed_fields_with_old_and_new_values(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.post(
        at(maple, "practices:settings"),
        good_data(maple, invite_lifetime_hours="168", dob_check=None, staff_idle_minutes="20"),
    )
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.invite_lifetime_hours == 168
    assert maple.dob_check is False
    assert maple.staff_idle_minutes == 20
    event = AuditEvent.objects.get(action="practice.settings_changed")
    changes = event.details["changes"]
    assert changes["invite_lifetime_hours"] == {"old": 48, "new": 168}
    assert changes["dob_check"] == {"old": True, "new": False}
    assert "name" not in changes


def test_saving_unchanged_settings_records_nothing(maple: Practice, owner: object) -> None:
    form = PracticeSettingsForm.for_practice(maple)
    changes = {name: form.initial[name] for name in form.fields}
    assert update_practice_settings(maple, by=Actor.system(), changes=changes) == {}
    assert not AuditEvent.objects.filter(action="practice.settings_changed").exists()


def test_the_settings_page_explains_each_setting(maple: Practice, owner_http: HttpClient) -> None:
    page = owner_http.get(at(maple, "practices:settings")).content.decode()
    assert "Client invitations stay valid for" in page
    assert "After this, the invitation link stops working" in page
    assert 'value="America/New_York" selected' in page


def test_an_unknown_setting_cannot_be_changed_through_the_action(maple: Practice) -> None:
    with pytest.raises(ValueError, match="Not a practice setting"):
        update_practice_settings(maple, by=Actor.system(), changes={"slug": "elm"})


def test_the_feature_switches_are_exactly_the_features_that_exist(maple: Practice) -> None:
    form = PracticeSettingsForm.for_practice(maple)
    values = [str(box.data["value"]) for box in form["portal_features"].subwidgets]
    assert values[:4] == ["forms", "messages", "profile", "insurance"]
    assert values == [feature.value for feature in PortalFeature]
    for gone in ("billing", "demographics"):
        assert gone not in values


def test_each_feature_switch_says_in_one_line_what_clients_get(
    maple: Practice, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "practices:settings")).content.decode()
    for _value, label in feature_choices():
        name, _, what = label.partition(": ")
        assert name and what.startswith("clients "), label
        assert escape(label) in page
    assert FEATURE_DESCRIPTIONS[PortalFeature.FORMS].startswith("Forms: clients fill in and sign")
    assert "Give every new client the practice&#x27;s intake forms" in page
    assert "Changes clients make to their profile or insurance wait for staff review" in page
    for field in ("portal_features", "intake_auto_assign", "profile_changes_reviewed"):
        assert f'name="{field}"' in page


def test_the_intake_and_review_settings_are_saved_and_audited_like_the_others(
    maple: Practice, owner_http: HttpClient
) -> None:
    assert maple.intake_auto_assign and maple.profile_changes_reviewed  # the defaults
    response = owner_http.post(
        at(maple, "practices:settings"),
        good_data(
            maple,
            portal_features=["forms", "insurance"],
            intake_auto_assign=None,
            profile_changes_reviewed=None,
        ),
    )
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.portal_features == ["forms", "insurance"]
    assert maple.intake_auto_assign is False
    assert maple.profile_changes_reviewed is False
    changes = AuditEvent.objects.get(action="practice.settings_changed").details["changes"]
    assert changes["intake_auto_assign"] == {"old": True, "new": False}
    assert changes["profile_changes_reviewed"] == {"old": True, "new": False}
    assert changes["portal_features"] == {"old": default_features(), "new": ["forms", "insurance"]}


def test_turning_every_feature_off_is_allowed(maple: Practice, owner_http: HttpClient) -> None:
    response = owner_http.post(
        at(maple, "practices:settings"), good_data(maple, portal_features=None)
    )
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.portal_features == []


def test_staff_who_are_not_owners_or_admins_cannot_change_the_features(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    response = front_desk_http.post(
        at(maple, "practices:settings"), good_data(maple, portal_features=None)
    )
    assert response.status_code == 403
    maple.refresh_from_db()
    assert maple.portal_features == default_features()


def test_the_outsider_cannot_change_another_practices_features(
    maple: Practice, outsider_http: HttpClient
) -> None:
    response = outsider_http.post(
        at(maple, "practices:settings"), good_data(maple, portal_features=None)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(at(maple, "accounts:staff_sign_in"))
    maple.refresh_from_db()
    assert maple.portal_features == default_features()
