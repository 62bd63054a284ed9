"""Responses shared by every app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def too_many_attempts(
    request: HttpRequest, retry_after: int, *, layout: str = "portal/base.html"
) -> HttpResponse:
    """The 429 page for a rate limit: how long to wait, in whole minutes, and Retry-After.

    ``layout`` is the page the visitor was on: the portal's by default, "base.html"
    for pages outside the portal (a staff member's welcome link).
    """
    retry_after = max(1, retry_after)
    minutes = -(-retry_after // 60)  # rounded up: "wait 1 minute" for 5 seconds
    response = render(
        request, "too_many_attempts.html", {"minutes": minutes, "layout": layout}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response
