"""Staff pages for API keys (owners and administrators): list, create, revoke.

The secret is shown once, on the answer to the create POST (never in messages,
the session or a log); afterwards only its prefix is shown.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portico.accounts.decorators import staff_required
from portico.api.forms import ApiKeyForm
from portico.api.keys import create_api_key, get_key_for_owner, is_usable, keys_of, revoke_api_key
from portico.audit.actor import Actor
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can
from portico.twofactor.reauth import recent_authentication_required


def _page(request: SignedInRequest, form: ApiKeyForm, *, status: int = 200) -> HttpResponse:
    now = timezone.now()
    rows = [(key, is_usable(key, now)) for key in keys_of(request.practice)]
    context = {
        "nav": "settings",
        "form": form,
        "rows": rows,
        "api_root": request.build_absolute_uri(reverse("api_v1:api-root")),
    }
    return render(request, "api/keys.html", context, status=status)


@never_cache
@staff_required(Can.MANAGE_SETTINGS)
def key_list(request: SignedInRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _page(request, ApiKeyForm())


@never_cache
@staff_required(Can.MANAGE_SETTINGS)
@recent_authentication_required(methods=["POST"])
@require_http_methods(["GET", "POST"])
def create_key(request: SignedInRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("api:keys")
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    now = timezone.now()
    new = create_api_key(
        request.practice,
        by=Actor.from_request(request),
        name=form.cleaned_data["name"],
        role=form.cleaned_data["role"],
        expires_at=form.expires_at(now),
    )
    context = {"nav": "settings", "key": new.key, "secret": new.secret}
    return render(request, "api/key_created.html", context)


@staff_required(Can.MANAGE_SETTINGS)
@recent_authentication_required(methods=["POST"])
def revoke_key(request: SignedInRequest, key_id: UUID) -> HttpResponse:
    key = get_key_for_owner(request.practice, key_id)
    if key is None:
        raise Http404("No such API key.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if revoke_api_key(key, by=Actor.from_request(request)):
        messages.success(
            request,
            pgettext("staff", "%(name)s (%(prefix)s) was revoked: it stopped working now.")
            % {"name": key.name, "prefix": key.prefix},
        )
    else:
        messages.info(
            request,
            pgettext("staff", "%(name)s (%(prefix)s) was already revoked.")
            % {"name": key.name, "prefix": key.prefix},
        )
    return redirect("api:keys")
