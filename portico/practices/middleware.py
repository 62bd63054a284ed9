"""Tenant resolution: which practice a request is for.

Production (PORTICO_BASE_DOMAIN set): ``<slug>.<base domain>`` is the practice and
its URLs sit at the root of that host. Development: ``/p/<slug>/...``; the prefix
is moved into the script prefix so every ``reverse()`` inside the practice yields
``/p/<slug>/...`` without views knowing which mode is on. Either way the
practice's URLs come from ``settings.PRACTICE_URLCONF``. An unknown practice is a
plain 404.

Every practice response to a signed-in staff or portal user, or to a visitor in the
middle of a welcome or reset journey, is marked ``Cache-Control: no-store``: client
data must not stay in a shared computer's browser cache (or a proxy's) after sign-out.
Static files (WhiteNoise, earlier), the practice's public brand assets and pages
outside any practice are untouched.

Inside a practice the current time zone is the practice's, so templates' ``date``
filter and ``localtime`` show the clock staff and clients live by.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.handlers.wsgi import get_script_name
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import set_script_prefix
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from portico.access.session_token import carries_a_link
from portico.lib.localtime import practice_zone
from portico.practices.http import PracticeRequest
from portico.practices.models import Practice

_PATH_PREFIX = re.compile(r"^/p/(?P<slug>[a-z0-9-]{1,40})(?=/|$)")


class PracticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(PracticeRequest, http_request)
        request.practice = None  # type: ignore[assignment]
        slug = self._slug_from_host(request) if settings.BASE_DOMAIN else None
        prefix = ""
        if slug is None:
            match = _PATH_PREFIX.match(request.path_info)
            if match:
                slug = match["slug"]
                prefix = match.group(0)
        if slug is None:
            return self.get_response(request)

        practice = Practice.objects.filter(slug=slug).first()
        if practice is None:
            return render(request, "404.html", {"practice": None}, status=404)
        request.practice = practice
        request.urlconf = settings.PRACTICE_URLCONF
        if prefix:
            if request.path_info == prefix:
                request.path_info = "/"
            else:
                request.path_info = request.path_info[len(prefix) :]
            # From the request's own SCRIPT_NAME, not the thread's current prefix: the
            # test client does not reset that between requests, so it would grow.
            set_script_prefix(get_script_name(request.META).rstrip("/") + prefix + "/")
        # Every time a page shows ({{ x|date }} included) is the practice's local time.
        timezone.activate(practice_zone(practice))
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        # A public asset (the practice's logo and colours) is the same for everyone:
        # it keeps its own long cache even when fetched by a signed-in page.
        if _is_private(request) and not getattr(response, "public_asset", False):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _slug_from_host(request: HttpRequest) -> str | None:
        host = request.get_host().split(":")[0].lower()
        suffix = "." + settings.BASE_DOMAIN
        if host.endswith(suffix):
            slug = host[: -len(suffix)]
            if "." not in slug and slug:
                return slug
        return None


def _is_private(request: HttpRequest) -> bool:
    """Whether the response may show client data: someone is signed in, or a link is open."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or carries_a_link(request)
