"""The portal insurance page: policy details and card photos, checked by content; nothing
is stored when an upload is refused; photos are served only to whoever acts for the client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.files.models import StoredFile
from portico.practices.models import PortalFeature, Practice
from portico.profiles.demo import tiny_png
from portico.profiles.models import InsurancePolicy, ProfileChange
from tests.cast import PASSWORD, Family, at, end_contact_access, invite, register_new
from tests.profiles.conftest import stored_paths, turn_on

INSURANCE = "portal_insurance:insurance"
MB = 1024 * 1024
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


def policy(rank: str = "primary", **changes: str) -> dict[str, str]:
    return {
        "rank": rank,
        "payer_name": "Cascade Health",
        "member_id": "XZ 1234-567",
        "group_number": "G-77",
        "holder_relationship": "self",
        "holder_name": "",
    } | changes


def upload(http: HttpClient, practice: Practice, data: dict[str, Any]) -> Any:
    return http.post(at(practice, INSURANCE), data)


def test_without_review_a_policy_and_its_card_photo_are_on_file_at_once(
    casey_http: HttpClient, features_on: Practice, casey: Client, private_files: Path
) -> None:
    turn_on(features_on, PortalFeature.INSURANCE, reviewed=False)
    card = SimpleUploadedFile("card.jpg", tiny_png(), content_type="image/jpeg")
    response = upload(casey_http, features_on, policy() | {"card_front": card})
    assert response.status_code == 302
    saved = InsurancePolicy.objects.get(client=casey)
    assert (saved.payer_name, saved.member_id, saved.group_number) == (
        "Cascade Health",
        "XZ 1234-567",
        "G-77",
    )
    assert saved.card_front is not None
    # A PNG named .jpg, sent as image/jpeg: kept as what it is.
    assert saved.card_front.content_type == "image/png"
    assert saved.card_front.original_name == "card.jpg"
    assert len(stored_paths(private_files)) == 1
    events = AuditEvent.objects.filter(client=casey, action__startswith="insurance.")
    assert {e.action for e in events} == {"insurance.updated", "insurance.card.uploaded"}
    for event in AuditEvent.objects.filter(client=casey):
        assert "XZ 1234" not in str(event.details) and "G-77" not in str(event.details)


def test_with_review_each_field_and_the_photo_wait_and_nothing_is_on_file(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    card = SimpleUploadedFile("front.png", tiny_png(), content_type="image/png")
    assert upload(casey_http, features_on, policy() | {"card_front": card}).status_code == 302
    assert not InsurancePolicy.objects.exists()
    fields = set(ProfileChange.objects.filter(client=casey).values_list("field", flat=True))
    assert fields == {
        "insurance.primary.payer_name",
        "insurance.primary.member_id",
        "insurance.primary.group_number",
        "insurance.primary.holder_relationship",
        "insurance.primary.card_front",
    }
    page = casey_http.get(at(features_on, INSURANCE)).content.decode()
    assert "Waiting for Maple Counseling to review" in page
    photo = ProfileChange.objects.get(field="insurance.primary.card_front").new_file
    assert photo is not None
    assert at(features_on, "portal_insurance:card", photo.public_id) in page
    requested = AuditEvent.objects.get(action="profile.change.requested", client=casey)
    assert "XZ" not in str(requested.details)


def test_an_html_file_named_card_jpg_is_refused_and_nothing_is_stored(
    casey_http: HttpClient, features_on: Practice, private_files: Path
) -> None:
    fake = SimpleUploadedFile("card.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    response = upload(casey_http, features_on, policy() | {"card_front": fake})
    assert response.status_code == 200
    page = response.content.decode()
    assert "card.jpg is not a JPEG, PNG or HEIC file." in page
    assert 'id="id_primary_card_front_error"' in page
    assert stored_paths(private_files) == []
    assert not StoredFile.objects.exists() and not ProfileChange.objects.exists()


def test_an_11_mb_photo_is_refused_with_the_limit_not_a_400_and_nothing_is_stored(
    casey_http: HttpClient, features_on: Practice, private_files: Path
) -> None:
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (11 * MB), "image/jpeg")
    response = upload(casey_http, features_on, policy() | {"card_back": big})
    assert response.status_code == 200
    assert "huge.jpg is 11 MB; the limit is 10 MB." in response.content.decode()
    assert stored_paths(private_files) == []
    assert not StoredFile.objects.exists() and not ProfileChange.objects.exists()


def test_one_good_photo_and_one_bad_store_neither(
    casey_http: HttpClient, features_on: Practice, private_files: Path
) -> None:
    good = SimpleUploadedFile("front.png", tiny_png())
    bad = SimpleUploadedFile("back.png", b"GIF89a not a photo we take")
    response = upload(casey_http, features_on, policy() | {"card_front": good, "card_back": bad})
    assert response.status_code == 200
    assert stored_paths(private_files) == [] and not StoredFile.objects.exists()


def test_a_heic_photo_from_a_phone_is_accepted(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    turn_on(features_on, PortalFeature.INSURANCE, reviewed=False)
    heic = SimpleUploadedFile("IMG_0042.HEIC", HEIC_HEAD, "application/octet-stream")
    assert upload(casey_http, features_on, policy() | {"card_back": heic}).status_code == 302
    saved = InsurancePolicy.objects.get(client=casey)
    assert saved.card_back is not None and saved.card_back.content_type == "image/heic"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"payer_name": ""}, "payer_name", "Enter the name of the insurance company."),
        ({"payer_name": "x" * 121}, "payer_name", "Use at most 120 characters (you typed 121)."),
        ({"member_id": ""}, "member_id", "Enter the member ID from the card."),
        ({"member_id": "x" * 41}, "member_id", "Use at most 40 characters (you typed 41)."),
        ({"member_id": "AB/12"}, "member_id", "Use only letters, digits, spaces and -"),
        ({"group_number": "x" * 41}, "group_number", "Use at most 40 characters (you typed 41)."),
        ({"group_number": "G#1"}, "group_number", "Use only letters, digits, spaces and -"),
        ({"holder_relationship": "boss"}, "holder_relationship", "Choose who holds the policy."),
        ({"holder_relationship": "parent"}, "holder_name", "Enter the policy holder&#x27;s name"),
        ({"holder_name": "x" * 121}, "holder_name", "Use at most 120 characters (you typed 121)."),
    ],
)
def test_every_insurance_field_has_a_limit_and_an_error_of_its_own(
    casey_http: HttpClient,
    features_on: Practice,
    changes: dict[str, str],
    field: str,
    error: str,
    private_files: Path,
) -> None:
    card = SimpleUploadedFile("front.png", tiny_png())
    response = upload(casey_http, features_on, policy(**changes) | {"card_front": card})
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert f'id="id_primary_{field}_error"' in page
    assert stored_paths(private_files) == [] and not ProfileChange.objects.exists()


def test_a_secondary_policy_needs_a_primary_first(
    casey_http: HttpClient, features_on: Practice
) -> None:
    page = casey_http.get(at(features_on, INSURANCE)).content.decode()
    assert "You can add a second insurance after the primary one." in page
    response = upload(casey_http, features_on, policy("secondary"))
    assert "Add your primary insurance first" in response.content.decode()
    assert not ProfileChange.objects.exists()
    upload(casey_http, features_on, policy())
    assert upload(casey_http, features_on, policy("secondary", member_id="S-1")).status_code == 302
    assert ProfileChange.objects.filter(field="insurance.secondary.member_id").exists()


def _on_file_card(casey_http: HttpClient, practice: Practice, casey: Client) -> StoredFile:
    turn_on(practice, PortalFeature.INSURANCE, reviewed=False)
    card = SimpleUploadedFile('my "card".png', tiny_png())
    upload(casey_http, practice, policy() | {"card_front": card})
    stored = InsurancePolicy.objects.get(client=casey).card_front
    assert stored is not None
    return stored


def test_a_card_photo_is_served_with_its_detected_type_and_safe_headers(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    stored = _on_file_card(casey_http, features_on, casey)
    response = casey_http.get(at(features_on, "portal_insurance:card", stored.public_id))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_png()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]  # opened alone, it runs nothing
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert response["Content-Disposition"] == 'inline; filename="my \\"card\\".png"'
    download = casey_http.get(
        at(features_on, "portal_insurance:card", stored.public_id) + "?download=1"
    )
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_photo_is_served_only_while_the_feature_is_on(
    casey_http: HttpClient, features_on: Practice, casey: Client
) -> None:
    stored = _on_file_card(casey_http, features_on, casey)
    turn_on(features_on, PortalFeature.PROFILE)
    url = at(features_on, "portal_insurance:card", stored.public_id)
    assert casey_http.get(url).status_code == 404
    assert casey_http.get(at(features_on, INSURANCE)).status_code == 404


def test_another_clients_photo_is_a_404(
    casey_http: HttpClient, features_on: Practice, casey: Client, owner: User
) -> None:
    from tests.cast import make_client

    stored = _on_file_card(casey_http, features_on, casey)
    other = make_client(features_on, owner, "Olga", "Other")
    InsurancePolicy.objects.filter(pk=stored.pk).delete()
    StoredFile.objects.filter(pk=stored.pk).update(client=other)
    assert (
        casey_http.get(at(features_on, "portal_insurance:card", stored.public_id)).status_code
        == 404
    )


def test_the_outsider_and_someone_signed_out_never_get_a_photo(
    casey_http: HttpClient, features_on: Practice, casey: Client, outsider_http: HttpClient
) -> None:
    stored = _on_file_card(casey_http, features_on, casey)
    url = at(features_on, "portal_insurance:card", stored.public_id)
    assert outsider_http.get(url).status_code in (302, 404)
    signed_out = HttpClient().get(url)
    assert signed_out.status_code == 302 and "/sign-in/" in signed_out["Location"]


def test_a_parent_sees_the_childs_card_until_their_access_is_revoked(
    maple: Practice, family: Family, owner: User
) -> None:
    turn_on(maple, PortalFeature.INSURANCE, reviewed=False)
    pat = register_new(invite(family.pat_for_mia, owner))
    http = HttpClient()
    http.post(at(maple, "portal:sign_in"), {"identifier": pat.username, "password": PASSWORD})
    card = SimpleUploadedFile("mia.png", tiny_png())
    assert (
        upload(
            http,
            maple,
            policy(holder_relationship="parent", holder_name="Pat Parent") | {"card_front": card},
        ).status_code
        == 302
    )
    stored = InsurancePolicy.objects.get(client=family.mia).card_front
    assert stored is not None and stored.uploaded_by == pat
    url = at(maple, "portal_insurance:card", stored.public_id)
    assert http.get(url).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    assert http.get(url).status_code in (302, 403)
