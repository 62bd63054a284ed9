"""``{% if can|allows:action.capability %}``: whether the viewer's role may take an action.

A dictionary lookup with a key from the action object (templates cannot index
with a variable); it reads nothing from the database.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def allows(can: Mapping[str, bool] | None, capability: str) -> bool:
    return bool(can and can.get(capability))
