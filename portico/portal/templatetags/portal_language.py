"""``{% language_switch_next %}``: where the "English / Español" switch brings the visitor back.

The page they are on, except an emailed link's own address (a dead link's page is
drawn there): the token stays out of the page, and the switch leads to sign-in.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

_LINK_PAGES = {"welcome_link", "reset_link"}


@register.simple_tag(takes_context=True)
def language_switch_next(context: template.Context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name in _LINK_PAGES:
        return reverse("portal:sign_in") if getattr(request, "practice", None) else "/"
    return str(request.get_full_path())
