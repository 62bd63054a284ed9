"""Browser walk: a client updates their address and uploads an insurance card; staff accept
one field and reject the other. Desktop and phone width, screenshots kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import PortalFeature, Practice
from portico.profiles.demo import tiny_png
from portico.profiles.models import ChangeStatus, ProfileChange
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client
from tests.portal.conftest import register

TABS = ["page", "phone"]


@pytest.fixture(autouse=True)
def _private_files(settings: LazySettings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "portico.files.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-files", "base_url": None},
        },
    }


@pytest.mark.parametrize("tab_name", TABS)
def test_a_client_updates_the_address_and_a_card_and_staff_accept_one_and_reject_one(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    maple.portal_features = [PortalFeature.PROFILE.value, PortalFeature.INSURANCE.value]
    maple.profile_changes_reviewed = True
    maple.save(update_fields=["portal_features", "profile_changes_reviewed"])
    casey: Client = make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    account = register(casey, owner, username="casey")

    # The client, in the portal.
    sign_in_as(tab, live_server, account)
    tab.goto(at(maple, "portal_profile:profile"))
    expect(tab.get_by_role("heading", name="Your contact details")).to_be_visible()
    screenshot(tab, f"portal-profile-{tab_name}")
    tab.get_by_label("Address line 1").fill("12 Oak Street")
    tab.get_by_label("City").fill("Portland")
    tab.get_by_label("ZIP or postal code").fill("9720")
    tab.get_by_role("button", name="Save changes").click()
    expect(tab.get_by_text("A US ZIP code has 5 digits")).to_be_visible()
    assert tab.get_by_label("City").input_value() == "Portland"  # nothing typed is lost
    screenshot(tab, f"portal-profile-error-{tab_name}")
    tab.get_by_label("ZIP or postal code").fill("97201")
    tab.get_by_role("button", name="Save changes").click()
    expect(tab.get_by_text("Maple Counseling will review your changes")).to_be_visible()
    expect(tab.get_by_text("Waiting for Maple Counseling to review")).to_have_count(3)
    screenshot(tab, f"portal-profile-waiting-{tab_name}")

    tab.goto(at(maple, "portal_insurance:insurance"))
    tab.get_by_label("Insurance company").fill("Cascade Health")
    tab.get_by_label("Member ID").fill("CH 445566")
    tab.get_by_label("Photo of the card: front").set_input_files(
        {"name": "card-front.jpg", "mimeType": "image/jpeg", "buffer": tiny_png(344, 216)}
    )
    tab.get_by_role("button", name="Save primary insurance").click()
    expect(tab.get_by_text("Maple Counseling will review your changes")).to_be_visible()
    photo = tab.get_by_role("img", name="New insurance card photo, front")
    expect(photo).to_be_visible()
    # Served through the checked view; wait for it to load (a busy machine is slow).
    loaded_width = (
        "img => img.complete && img.naturalWidth ? img.naturalWidth"
        " : new Promise(done => { img.onload = () => done(img.naturalWidth); })"
    )
    assert photo.evaluate(loaded_width) == 344
    screenshot(tab, f"portal-insurance-waiting-{tab_name}")

    # Staff review: accept the street, reject the city.
    sign_in_as(tab, live_server, owner)
    tab.goto(at(maple, "staff_profiles:pending"))
    expect(tab.get_by_text("Client, Casey")).to_be_visible()
    screenshot(tab, f"staff-profile-pending-{tab_name}")
    tab.get_by_role("link", name="Review changes of Casey Client").click()
    expect(tab.get_by_role("img", name="New card photo")).to_be_visible()
    screenshot(tab, f"staff-profile-review-{tab_name}")
    tab.get_by_role("button", name="Accept Address line 1").click()
    expect(tab.get_by_text("Address line 1: accepted, and now on file.")).to_be_visible()
    tab.get_by_role("row", name="City").get_by_label("Reason for rejecting (optional)").fill(
        "Client called: the city is Beaverton"
    )
    tab.get_by_role("button", name="Reject City").click()
    expect(tab.get_by_text("City: rejected. What was on file stays.")).to_be_visible()
    screenshot(tab, f"staff-profile-decided-{tab_name}")

    casey.refresh_from_db()
    assert (casey.address_line1, casey.city) == ("12 Oak Street", "")
    decided = dict(ProfileChange.objects.filter(client=casey).values_list("field", "status"))
    assert decided["address_line1"] == ChangeStatus.ACCEPTED
    assert decided["city"] == ChangeStatus.REJECTED
    assert decided["insurance.primary.card_front"] == ChangeStatus.PENDING
