"""Choosing a language: the switch on pages for visitors, and the person's own setting.

- ``switch`` (POST, from the "English / Español" switch on the sign-in, password
  help and welcome pages): a cookie for this browser only. Once Portico knows who
  the visitor is, their own language wins (``portico.portal.language``).
- ``language`` (signed in): the person's own language, kept on their client or
  contact record(s), for the portal and for every email to them.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portico.access.languages import set_own_language
from portico.audit.actor import Actor
from portico.portal.acting import active_grants
from portico.portal.decorators import acting_for_required
from portico.portal.language import SUPPORTED, account_language
from portico.practices.http import SignedInRequest

COOKIE_MAX_AGE = 365 * 24 * 3600


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=settings.LANGUAGES,  # each name in its own language: "English", "Español"
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The language of your portal and of the emails we send you."),
        error_messages={"required": gettext_lazy("Choose a language.")},
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else reverse("portal:sign_in")


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Keep ``language`` for this browser's pages before anyone is known (a cookie)."""
    if language in SUPPORTED:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The visitor's choice, for this browser: a cookie (nothing stored about anyone)."""
    return remember_language(redirect(_back(request)), request.POST.get("language", ""))


@require_http_methods(["GET", "POST"])
@acting_for_required
def language(http_request: HttpRequest) -> HttpResponse:
    """The person's own language: the portal and every email to them."""
    request = cast(SignedInRequest, http_request)
    current = account_language(request.user, client_id=request.acting.grant.client_id)  # type: ignore[attr-defined]
    form = LanguageForm(request.POST or None, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        set_own_language(
            active_grants(request.user), language=chosen, by=Actor.from_request(request)
        )
        with translation.override(chosen):
            messages.success(request, gettext("Your language is saved."))
        return redirect("portal:language")
    return render(request, "portal/language.html", {"form": form})
