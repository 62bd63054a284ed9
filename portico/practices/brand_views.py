"""The branding page (owners and administrators) and the brand's two public files.

``/brand/logo`` and ``/brand/style.css`` belong to the practice whose address they are
under (its host, or /p/<slug>/): the logo is public by nature, like a sign on the
door, and one practice's logo is never reachable at another's address.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.files.storage import private_storage
from portico.practices.brand_forms import AccentForm, LogoForm
from portico.practices.brand_rules import SVG_TYPE
from portico.practices.branding import (
    brand_of,
    brand_version,
    remove_practice_logo,
    set_accent_colour,
    set_practice_logo,
)
from portico.practices.http import PracticeRequest, SignedInRequest
from portico.practices.roles import Can
from portico.twofactor.reauth import recent_authentication_required

YEAR = 365 * 24 * 3600


@staff_required(Can.MANAGE_SETTINGS)
@recent_authentication_required(methods=["POST"])
@require_http_methods(["GET", "POST"])
def branding(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    practice = request.practice
    step = request.POST.get("step", "")
    logo_form = LogoForm(request.POST or None, request.FILES or None) if step == "logo" else None
    accent_form = AccentForm.for_practice(practice, request.POST if step == "accent" else None)
    by = Actor.from_request(request)
    if step == "remove_logo":
        if remove_practice_logo(practice, by=by):
            messages.success(
                request,
                pgettext("staff", "Logo removed. The portal and emails show the name only."),
            )
        return redirect("practices:branding")
    if logo_form is not None and logo_form.is_valid():
        set_practice_logo(practice, logo=logo_form.cleaned_data["logo"], by=by)
        messages.success(
            request, pgettext("staff", "Logo saved. Clients see it on their next page.")
        )
        return redirect("practices:branding")
    if step == "accent" and accent_form.is_valid():
        if set_accent_colour(practice, colour=accent_form.cleaned_data["colour"], by=by):
            messages.success(request, pgettext("staff", "Accent colour saved."))
        else:
            messages.info(request, pgettext("staff", "Nothing changed."))
        return redirect("practices:branding")
    failed = step in {"logo", "accent"}
    return render(
        request,
        "practices/branding.html",
        {
            "logo_form": logo_form or LogoForm(),
            "accent_form": accent_form,
            "brand": brand_of(practice),
            "nav": "settings",
        },
        status=400 if failed else 200,
    )


@require_GET
def logo(http_request: HttpRequest) -> FileResponse:
    """The practice's logo, typed by what was checked at upload, never sniffed."""
    practice = cast(PracticeRequest, http_request).practice
    if not practice.logo_name:
        raise Http404("This practice has no logo.")
    try:
        handle = private_storage().open(practice.logo_name, "rb")
    except FileNotFoundError:
        raise Http404("The logo is missing from storage.") from None
    response = FileResponse(handle, content_type=practice.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own runs nothing and loads nothing (it was sanitized too).
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    extension = "svg" if practice.logo_type == SVG_TYPE else "png"
    response["Content-Disposition"] = f'inline; filename="logo.{extension}"'
    _cache_by_version(http_request, response, brand_version(practice))
    return response


@require_GET
def style(http_request: HttpRequest) -> HttpResponse:
    """The practice's accent as CSS custom properties (the CSP allows only our own styles)."""
    practice = cast(PracticeRequest, http_request).practice
    brand = brand_of(practice)
    lines = [
        ".brand-logo { display: block; height: 2.75rem; width: auto; max-width: min(16rem, 60vw);"
        " background: #fff; padding: .3rem .5rem; border-radius: var(--radius); }"
    ]
    if brand.has_accent:
        lines.append(
            f".portal, .brand-preview {{ --accent: {brand.accent}; "
            f"--accent-dark: {brand.accent_dark}; }}"
        )
        lines.append(
            ".portal .portal-bar, .brand-preview .portal-bar { background: var(--accent); }"
        )
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    _cache_by_version(http_request, response, brand.version)
    return response


def _cache_by_version(request: HttpRequest, response: HttpResponseBase, version: str) -> None:
    # The address carries the version, so a new logo or colour is a new address.
    # Public: the same bytes for everyone, signed in or not (PracticeMiddleware keeps it).
    response.public_asset = True  # type: ignore[attr-defined]
    if request.GET.get("v") == version:
        response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
