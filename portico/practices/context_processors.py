from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portico.practices.roles import Can, role_can


def practice(request: HttpRequest) -> dict[str, Any]:
    """The current practice, and what the signed-in staff member may do (``can.<capability>``)."""
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user and user.is_authenticated else None
    can = {c.value: bool(membership and role_can(membership.role, c)) for c in Can}
    return {"practice": getattr(request, "practice", None), "can": can}
