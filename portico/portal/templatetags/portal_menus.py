"""``{% portal_menu as menu %}`` and ``{% client_feature_tabs client as tabs %}``."""

from __future__ import annotations

from typing import Any

from django import template

from portico.portal import menus

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_menu(context: template.Context) -> list[menus.MenuEntry]:
    """The menu of the portal page being drawn; empty until the person acts for a client."""
    request = context.get("request")
    practice = context.get("practice")
    acting = getattr(request, "acting", None)
    if request is None or practice is None or getattr(acting, "grant", None) is None:
        return []
    return menus.portal_menu(practice, request.path)


@register.simple_tag(takes_context=True)
def client_feature_tabs(context: template.Context, client: Any) -> list[menus.MenuEntry]:
    request = context.get("request")
    practice = context.get("practice")
    if request is None or practice is None or client is None:
        return []
    return menus.client_feature_tabs(
        practice, client.public_id, request.path, context.get("can") or {}
    )
