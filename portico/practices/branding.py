"""The practice's brand: its logo and accent colour. Writes (audited) and the values pages use.

The logo's bytes live in ``STORAGES["private"]`` under a random name; the practice
row holds the name and type. A replaced or removed logo is deleted from storage once
the change commits; a change that rolls back deletes the file it wrote instead.
Pages and emails show the brand through ``brand_of`` (no query beyond the practice).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.files.actions import atomic_with_files
from portico.files.storage import private_storage
from portico.lib.urls import practice_base_url, practice_path
from portico.practices.brand_rules import (
    PNG_TYPE,
    SVG_TYPE,
    CheckedLogo,
    clean_accent_colour,
    darker,
)
from portico.practices.models import Practice

# Portico's own accent (portico.css ``--accent``) and the email button's default blue.
PORTICO_ACCENT = "#0B5CAD"


def _locked(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().get(pk=practice.pk)


def _delete_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: private_storage().delete(name))


def set_practice_logo(practice: Practice, *, logo: CheckedLogo, by: Actor) -> None:
    """Store ``logo`` (already checked) as the practice's logo; the previous one goes."""
    with atomic_with_files() as writer:
        locked = _locked(practice)
        old_name = locked.logo_name
        # A random name: nothing of the uploaded name reaches the storage.
        name = private_storage().save(
            f"practice-{practice.pk}/brand/{uuid.uuid4().hex}.{logo.extension}",
            ContentFile(logo.data),
        )
        writer.written.append(name)  # deleted again if anything below fails
        practice.logo_name = name
        practice.logo_type = logo.content_type
        practice.logo_updated_at = timezone.now()
        practice.save(update_fields=["logo_name", "logo_type", "logo_updated_at"])
        record(
            Action.BRAND_LOGO_CHANGED,
            practice=practice,
            actor=by,
            details={
                "format": "PNG" if logo.content_type == PNG_TYPE else "SVG",
                "size_kb": max(1, round(len(logo.data) / 1024)),
                "replaced": bool(old_name),
            },
        )
        _delete_after_commit(old_name)


@transaction.atomic
def remove_practice_logo(practice: Practice, *, by: Actor) -> bool:
    """No logo any more. False when there was none."""
    locked = _locked(practice)
    if not locked.logo_name:
        return False
    _delete_after_commit(locked.logo_name)
    practice.logo_name = ""
    practice.logo_type = ""
    practice.logo_updated_at = timezone.now()
    practice.save(update_fields=["logo_name", "logo_type", "logo_updated_at"])
    record(Action.BRAND_LOGO_REMOVED, practice=practice, actor=by)
    return True


@transaction.atomic
def set_accent_colour(practice: Practice, *, colour: str, by: Actor) -> bool:
    """``#RRGGBB`` (contrast checked here too) or blank for Portico's. False if unchanged."""
    colour = clean_accent_colour(colour)
    locked = _locked(practice)
    if locked.accent_colour == colour:
        return False
    old = locked.accent_colour
    practice.accent_colour = colour
    practice.save(update_fields=["accent_colour"])
    record(
        Action.BRAND_ACCENT_CHANGED,
        practice=practice,
        actor=by,
        details={"old": old, "new": colour},
    )
    return True


# --- what pages and emails show -----------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    practice_name: str
    accent: str  # "#RRGGBB", Portico's own when the practice chose none
    accent_dark: str
    has_accent: bool
    logo_type: str  # "" without a logo
    version: str  # changes whenever the logo or the colour does: the cache key

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_type)

    @property
    def is_branded(self) -> bool:
        return self.has_logo or self.has_accent

    @property
    def logo_is_png(self) -> bool:
        return self.logo_type == PNG_TYPE

    @property
    def logo_is_svg(self) -> bool:
        return self.logo_type == SVG_TYPE


def brand_version(practice: Practice) -> str:
    key = f"{practice.logo_name}|{practice.accent_colour}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def brand_of(practice: Practice) -> Brand:
    accent = practice.accent_colour or PORTICO_ACCENT
    return Brand(
        practice_name=practice.name,
        accent=accent,
        accent_dark=darker(accent),
        has_accent=bool(practice.accent_colour),
        logo_type=practice.logo_type if practice.logo_name else "",
        version=brand_version(practice),
    )


def logo_path(practice: Practice) -> str:
    """The logo's address inside the practice ("/brand/logo?v=…"), or "" without one."""
    if not practice.logo_name:
        return ""
    return f"{practice_path('brand:logo')}?v={brand_version(practice)}"


def email_brand_values(practice: Practice) -> dict[str, str]:
    """What the email base shows: a PNG logo by absolute URL (mail clients block SVG).

    With an SVG logo, or a colour and no logo, the email shows the practice's name in
    the accent colour instead. An unbranded practice's emails are as they always were.
    """
    values: dict[str, str] = {}
    if practice.accent_colour:
        values["brand_accent"] = practice.accent_colour
    if practice.logo_name and practice.logo_type == PNG_TYPE:
        values["brand_logo_url"] = practice_base_url(practice) + logo_path(practice)
    elif practice.logo_name or practice.accent_colour:
        values["brand_title_colour"] = practice.accent_colour or PORTICO_ACCENT
    return values


def portal_address(practice: Practice) -> str:
    """The practice's portal, as clients should bookmark it: https://lakeside.example.org/."""
    return practice_base_url(practice) + "/"
