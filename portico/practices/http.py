"""Request types for views inside a practice (set by PracticeMiddleware)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from portico.accounts.models import User
    from portico.practices.models import Practice


class PracticeRequest(HttpRequest):
    practice: Practice


class SignedInRequest(PracticeRequest):
    """A request from a signed-in user of this practice (staff or portal)."""

    user: User
