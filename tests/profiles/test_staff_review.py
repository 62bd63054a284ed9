"""Staff review changes side by side and accept or reject each field; card photos are
served to staff with the capability only, and every look is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import DESCRIPTIONS, Action
from portico.clients.models import Client
from portico.files.kinds import PHOTO_KINDS
from portico.files.models import StoredFile
from portico.files.uploads import MB, check_upload
from portico.practices.models import Practice, Role
from portico.practices.roles import CAPABILITIES, Can
from portico.profiles.actions import accept_change, reject_change, save_insurance, update_profile
from portico.profiles.demo import tiny_png
from portico.profiles.models import ChangeStatus, InsurancePolicy, ProfileChange
from portico.profiles.queries import client_values
from tests.cast import at
from tests.profiles.conftest import stored_paths

SECRET_MEMBER_ID = "MBR998877"


@pytest.fixture
def asked(features_on: Practice, casey: Client, owner: User) -> dict[str, ProfileChange]:
    """Casey asked (from the portal) for a new address and sent insurance with a card photo."""
    as_casey = Actor(user=None, label="casey (portal)")
    update_profile(
        casey,
        by=as_casey,
        access=None,
        values=client_values(casey) | {"address_line1": "12 Oak St", "city": "Portland"},
    )
    card = check_upload(
        SimpleUploadedFile("front.png", tiny_png()), kinds=PHOTO_KINDS, max_bytes=MB
    )
    save_insurance(
        casey,
        by=as_casey,
        access=None,
        rank="primary",
        values={
            "payer_name": "Cascade Health",
            "member_id": SECRET_MEMBER_ID,
            "group_number": "",
            "holder_name": "",
            "holder_relationship": "self",
        },
        cards={"card_front": card, "card_back": None},
    )
    return {c.field: c for c in ProfileChange.objects.filter(client=casey)}


def decide(
    http: HttpClient, practice: Practice, change: ProfileChange, decision: str, **extra: str
) -> Any:
    url = at(practice, "staff_profiles:decide", change.client.public_id, change.public_id)
    return http.post(url, {"decision": decision, **extra})


def test_the_client_page_shows_each_change_beside_what_is_on_file(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    owner: User,
    front_desk_http: HttpClient,
) -> None:
    from portico.clients.actions import update_client_details

    update_client_details(casey, by=Actor.for_user(owner), city="Salem")
    page = front_desk_http.get(
        at(features_on, "staff_profiles:client_changes", casey.public_id)
    ).content.decode()
    assert "Profile and insurance: Casey Client" in page
    assert "Address line 1" in page and "12 Oak St" in page
    assert "Salem" in page and "Portland" in page  # on file now, requested
    assert "Primary insurance: member ID" in page and SECRET_MEMBER_ID in page
    photo = asked["insurance.primary.card_front"].new_file
    assert photo is not None
    assert at(features_on, "staff_profiles:file", casey.public_id, photo.public_id) in page
    assert page.count('name="decision" value="accept"') == len(asked)


def test_staff_accept_one_field_and_reject_another(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
    front_desk: User,
) -> None:
    response = decide(front_desk_http, features_on, asked["address_line1"], "accept")
    assert response.status_code == 302
    response = decide(front_desk_http, features_on, asked["city"], "reject", reason="Typo, called")
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.address_line1 == "12 Oak St" and casey.city == ""
    accepted = ProfileChange.objects.get(pk=asked["address_line1"].pk)
    assert accepted.status == ChangeStatus.ACCEPTED and accepted.decided_by == front_desk
    rejected = ProfileChange.objects.get(pk=asked["city"].pk)
    assert rejected.status == ChangeStatus.REJECTED and rejected.reason == "Typo, called"
    # Applied through the staff app's own edit: the client's history says so, by name.
    edit = AuditEvent.objects.filter(action="client.details_changed", client=casey).latest("at")
    assert edit.details["fields"] == ["address_line1"] and edit.actor == front_desk
    page = front_desk_http.get(
        at(features_on, "staff_profiles:client_changes", casey.public_id)
    ).content.decode()
    assert "Address line 1: accepted, and now on file." in page
    assert "City: rejected. What was on file stays." in page


def test_accepting_insurance_fields_and_the_photo_puts_them_on_file(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
) -> None:
    for name in (
        "insurance.primary.payer_name",
        "insurance.primary.member_id",
        "insurance.primary.card_front",
    ):
        assert decide(front_desk_http, features_on, asked[name], "accept").status_code == 302
    policy = InsurancePolicy.objects.get(client=casey)
    assert policy.payer_name == "Cascade Health" and policy.member_id == SECRET_MEMBER_ID
    assert policy.card_front == asked["insurance.primary.card_front"].new_file


def test_a_rejected_photo_is_deleted_once_the_decision_commits(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    front_desk_http: HttpClient,
    private_files: Path,
    django_capture_on_commit_callbacks: object,
) -> None:
    assert len(stored_paths(private_files)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        decide(front_desk_http, features_on, asked["insurance.primary.card_front"], "reject")
    assert stored_paths(private_files) == [] and not StoredFile.objects.exists()


def test_the_audit_log_holds_field_names_and_never_values(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
) -> None:
    for change in asked.values():
        decide(
            front_desk_http,
            features_on,
            change,
            "accept" if "member" in change.field else "reject",
            reason="Member ID MBR998877 is wrong",
        )
    events = AuditEvent.objects.filter(client=casey)
    actions = {event.action for event in events}
    assert {
        "profile.change.requested",
        "profile.change.accepted",
        "profile.change.rejected",
        "insurance.updated",
        "insurance.card.uploaded",
    } <= actions
    for event in events:
        text = str(event.details) + DESCRIPTIONS[Action(event.action)](event)
        for value in (SECRET_MEMBER_ID, "12 Oak St", "Portland", "Cascade", "front.png"):
            assert value not in text, (event.action, text)
    accepted = events.get(action="profile.change.accepted")
    assert DESCRIPTIONS[Action.PROFILE_CHANGE_ACCEPTED](accepted) == (
        "Profile change accepted: Primary insurance: member ID"
    )


def test_a_change_is_decided_once(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    front_desk_http: HttpClient,
    owner: User,
) -> None:
    reject_change(asked["city"], by=Actor.for_user(owner))
    response = decide(front_desk_http, features_on, asked["city"], "accept")
    assert response.status_code == 302
    assert ProfileChange.objects.get(pk=asked["city"].pk).status == ChangeStatus.REJECTED
    with pytest.raises(Exception, match="already decided"):
        accept_change(asked["city"], by=Actor.for_user(owner))


def test_the_reason_has_a_limit(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    front_desk_http: HttpClient,
) -> None:
    response = decide(front_desk_http, features_on, asked["city"], "reject", reason="x" * 301)
    assert response.status_code == 302
    assert ProfileChange.objects.get(pk=asked["city"].pk).is_pending


def test_the_practice_list_shows_clients_with_changes_waiting(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    front_desk_http: HttpClient,
    casey: Client,
) -> None:
    page = front_desk_http.get(at(features_on, "staff_profiles:pending")).content.decode()
    assert "Client, Casey" in page and f"{len(asked)} fields" in page
    assert at(features_on, "staff_profiles:client_changes", casey.public_id) in page


def test_staff_see_a_card_photo_with_safe_headers_and_the_look_is_audited(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
) -> None:
    photo = asked["insurance.primary.card_front"].new_file
    assert photo is not None
    url = at(features_on, "staff_profiles:file", casey.public_id, photo.public_id)
    response = front_desk_http.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'inline; filename="front.png"'
    viewed = AuditEvent.objects.get(action="files.viewed", client=casey)
    assert viewed.details == {"file": str(photo.public_id), "purpose": "insurance_card"}
    download = front_desk_http.get(url + "?download=1")
    assert download["Content-Disposition"] == 'attachment; filename="front.png"'
    assert AuditEvent.objects.filter(action="files.downloaded", client=casey).exists()


def test_the_outsider_gets_404_for_every_staff_url_of_maples_client(
    asked: dict[str, ProfileChange],
    birch: Practice,
    casey: Client,
    outsider_http: HttpClient,
) -> None:
    photo = asked["insurance.primary.card_front"].new_file
    assert photo is not None
    change = asked["city"]
    for path, method in [
        (at(birch, "staff_profiles:client_changes", casey.public_id), "get"),
        (at(birch, "staff_profiles:file", casey.public_id, photo.public_id), "get"),
        (at(birch, "staff_profiles:decide", casey.public_id, change.public_id), "post"),
    ]:
        assert getattr(outsider_http, method)(path).status_code == 404, path
    assert ProfileChange.objects.get(pk=change.pk).is_pending


def test_a_file_of_another_client_is_a_404_even_in_the_same_practice(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    front_desk_http: HttpClient,
    noah: Client,
) -> None:
    photo = asked["insurance.primary.card_front"].new_file
    assert photo is not None
    url = at(features_on, "staff_profiles:file", noah.public_id, photo.public_id)
    assert front_desk_http.get(url).status_code == 404


def test_a_role_without_the_capability_gets_404_for_the_client_pages(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        CAPABILITIES, Role.FRONT_DESK, CAPABILITIES[Role.FRONT_DESK] - {Can.REVIEW_PROFILE_CHANGES}
    )
    photo = asked["insurance.primary.card_front"].new_file
    assert photo is not None
    assert (
        front_desk_http.get(
            at(features_on, "staff_profiles:client_changes", casey.public_id)
        ).status_code
        == 404
    )
    assert (
        front_desk_http.get(
            at(features_on, "staff_profiles:file", casey.public_id, photo.public_id)
        ).status_code
        == 404
    )
    assert decide(front_desk_http, features_on, asked["city"], "accept").status_code == 404
    assert front_desk_http.get(at(features_on, "staff_profiles:pending")).status_code == 403
    assert ProfileChange.objects.get(pk=asked["city"].pk).is_pending


def test_staff_pages_stay_while_the_features_are_off(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    front_desk_http: HttpClient,
) -> None:
    features_on.portal_features = []
    features_on.save(update_fields=["portal_features"])
    assert (
        front_desk_http.get(
            at(features_on, "staff_profiles:client_changes", casey.public_id)
        ).status_code
        == 200
    )
    assert decide(front_desk_http, features_on, asked["city"], "accept").status_code == 302


def test_a_portal_user_is_no_staff_member(
    asked: dict[str, ProfileChange],
    features_on: Practice,
    casey: Client,
    casey_http: HttpClient,
) -> None:
    url = at(features_on, "staff_profiles:client_changes", casey.public_id)
    assert casey_http.get(url).status_code == 404
    assert timezone.now()
