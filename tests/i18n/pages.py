"""Helpers for comparing pages that carry the "English / Español" switch."""

from __future__ import annotations

import re

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def without_csrf_token(content: bytes) -> bytes:
    """The page with its form's CSRF token blanked (random per visitor, says nothing)."""
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', content)
