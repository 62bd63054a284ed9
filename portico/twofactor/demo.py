"""The demo practice keeps two-factor sign-in optional, so the printed passwords work
without an authenticator app. Try it under Account security; require it in Settings."""

from __future__ import annotations

from typing import Any

from portico.practices.models import Practice


def seed(demo: Any) -> None:
    practice: Practice = demo.practice
    Practice.objects.filter(pk=practice.pk).update(
        require_staff_two_factor=False, require_client_two_factor=False
    )
    practice.require_staff_two_factor = False
    practice.require_client_two_factor = False
