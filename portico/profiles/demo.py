"""Demo data of profiles and insurance (for seed_demo): a pending address change and a
primary insurance policy with a card photo, made through the real actions."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from portico.access.queries import own_access
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.files.kinds import PHOTO_KINDS
from portico.files.uploads import check_upload
from portico.practices.models import PortalFeature, Practice
from portico.profiles.actions import save_insurance, update_profile
from portico.profiles.forms import CARD_LIMIT
from portico.profiles.queries import client_values


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def tiny_png(width: int = 86, height: int = 54, rgb: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A real PNG (a card-shaped rectangle with a light stripe), written without Pillow."""
    rows = []
    for y in range(height):
        colour = (235, 240, 250) if height // 3 <= y < height // 3 + 6 else rgb
        rows.append(b"\x00" + bytes(colour) * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


@transaction.atomic
def seed_profile_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> None:
    """Turn on profile and insurance; Alex (the active client) asks for a new address
    (waiting for review) and has insurance with a card photo on file."""
    features = list(practice.portal_features or [])
    for feature in (PortalFeature.PROFILE, PortalFeature.INSURANCE):
        if feature.value not in features:
            features.append(feature.value)
    practice.portal_features = features
    # Insurance first, applied at once (as if reviewed earlier); then the review is on.
    practice.profile_changes_reviewed = False
    practice.save(update_fields=["portal_features", "profile_changes_reviewed"])

    alex = clients["active"]
    access = own_access(alex)
    account = access.user if access is not None else None
    as_client = Actor.for_user(account) if account is not None else Actor.for_user(owner)

    card = SimpleUploadedFile("insurance-card-front.png", tiny_png(), "image/png")
    save_insurance(
        alex,
        by=as_client,
        access=access,
        rank="primary",
        values={
            "payer_name": "Cascade Health Plan",
            "member_id": "CHP123456789",
            "group_number": "GRP-4410",
            "holder_name": "",
            "holder_relationship": "self",
        },
        cards={
            "card_front": check_upload(card, kinds=PHOTO_KINDS, max_bytes=CARD_LIMIT),
            "card_back": None,
        },
    )
    practice.profile_changes_reviewed = True
    practice.save(update_fields=["profile_changes_reviewed"])
    values = client_values(alex) | {
        "address_line1": "742 Evergreen Terrace",
        "city": "Portland",
        "region": "OR",
        "postal_code": "97201",
        "country": "US",
    }
    update_profile(alex, by=as_client, access=access, values=values)
