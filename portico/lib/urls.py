"""Absolute URLs for emails and redirects, built from configuration.

Never from the request's Host header: a forged Host must not be able to point a
password-reset link at someone else's server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, reverse, set_script_prefix

if TYPE_CHECKING:
    from portico.practices.models import Practice


def practice_base_url(practice: Practice) -> str:
    base = urlsplit(settings.BASE_URL)
    if settings.BASE_DOMAIN:
        port = f":{base.port}" if base.port else ""
        return f"{base.scheme}://{practice.slug}.{settings.BASE_DOMAIN}{port}"
    return f"{settings.BASE_URL}/p/{practice.slug}"


def practice_path(name: str, *args: Any, **kwargs: Any) -> str:
    """The path of a practice URL relative to the practice's root ("/staff/...")."""
    previous = get_script_prefix()
    set_script_prefix("/")
    try:
        return reverse(name, urlconf=settings.PRACTICE_URLCONF, args=args, kwargs=kwargs)
    finally:
        set_script_prefix(previous)


def practice_url(practice: Practice, name: str, *args: Any, **kwargs: Any) -> str:
    """Absolute URL of a page of ``practice``, safe to put in an email."""
    return practice_base_url(practice) + practice_path(name, *args, **kwargs)
