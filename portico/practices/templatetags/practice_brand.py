"""``{% practice_brand practice as brand %}`` and ``{% practice_address practice as address %}``."""

from __future__ import annotations

from django import template

from portico.practices.branding import Brand, brand_of, portal_address
from portico.practices.models import Practice

register = template.Library()


@register.simple_tag
def practice_brand(practice: Practice | None) -> Brand | None:
    """The practice's logo, colour and cache version (no query: all on the practice row)."""
    return brand_of(practice) if practice is not None else None


@register.simple_tag
def practice_address(practice: Practice | None) -> str:
    """The portal's address to bookmark, from configuration (never the request's Host)."""
    return portal_address(practice) if practice is not None else ""
