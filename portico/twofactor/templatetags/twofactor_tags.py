"""The client page's list of portal accounts with a second factor (staff may remove it)."""

from __future__ import annotations

from typing import Any

from django import template

from portico.access.models import PortalAccess
from portico.clients.models import Client
from portico.twofactor.methods import LABELS, methods_by_user

register = template.Library()


@register.simple_tag
def client_second_factors(client: Client) -> list[dict[str, Any]]:
    """One row per account acting for ``client`` that has a second factor set up."""
    accesses = list(
        PortalAccess.objects.filter(client=client, user__isnull=False, ended_at=None)
        .select_related("user", "contact")
        .order_by("pk")
    )
    accounts = {access.user.pk: access for access in accesses if access.user is not None}
    methods = methods_by_user([access.user for access in accounts.values() if access.user])
    return [
        {
            "access": access,
            "account": access.user,
            "methods": [LABELS[m] for m in methods[pk]],
        }
        for pk, access in accounts.items()
        if methods[pk]
    ]
