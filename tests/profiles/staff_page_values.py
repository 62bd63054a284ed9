"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.files.kinds import PHOTO_KINDS
from portico.files.uploads import check_upload
from portico.profiles.actions import save_insurance, update_profile
from portico.profiles.demo import tiny_png
from portico.profiles.forms import CARD_LIMIT
from portico.profiles.models import ProfileChange
from portico.profiles.queries import client_values


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """A pending address change and a pending card photo (the practice reviews changes)."""
    actor = Actor.for_user(by)
    update_profile(
        client,
        by=actor,
        access=None,
        values=client_values(client) | {"address_line1": "1 Page Walk", "city": "Portland"},
    )
    card = SimpleUploadedFile("card.png", tiny_png(), "image/png")
    save_insurance(
        client,
        by=actor,
        access=None,
        rank="primary",
        values={
            "payer_name": "Walk Health",
            "member_id": "W1",
            "group_number": "",
            "holder_name": "",
            "holder_relationship": "self",
        },
        cards={
            "card_front": check_upload(card, kinds=PHOTO_KINDS, max_bytes=CARD_LIMIT),
            "card_back": None,
        },
    )
    change = ProfileChange.objects.get(client=client, field="address_line1", status="pending")
    photo = ProfileChange.objects.get(client=client, field="insurance.primary.card_front")
    assert photo.new_file is not None
    return {"change_id": str(change.public_id), "file_id": str(photo.new_file.public_id)}
