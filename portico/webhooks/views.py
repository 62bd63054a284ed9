"""Staff pages for webhook endpoints (owners and administrators): list, add, edit, log."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can
from portico.webhooks.actions import (
    create_endpoint,
    delete_endpoint,
    rotate_secret,
    send_test_event,
    set_endpoint_enabled,
    update_endpoint,
)
from portico.webhooks.events import EventType
from portico.webhooks.forms import EndpointForm
from portico.webhooks.models import WebhookEndpoint
from portico.webhooks.queries import delivery_log, endpoints_of, get_endpoint_for_staff


def _show_secret(request: SignedInRequest, endpoint: WebhookEndpoint, *, new: bool) -> HttpResponse:
    """The only page that shows the whole secret (no-store, like every staff page)."""
    return render(
        request,
        "webhooks/secret.html",
        {"endpoint": endpoint, "secret": endpoint.secret, "new": new, "nav": "settings"},
    )


def _form_errors(form: EndpointForm, error: ValidationError) -> None:
    # The form checks the same rules first; this only catches a change in between.
    form.add_error(None, error.messages)


@require_http_methods(["GET"])
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    labels = dict(EventType.choices)
    endpoints = [
        (endpoint, [labels.get(value, value) for value in endpoint.event_types])
        for endpoint in endpoints_of(request.practice)
    ]
    return render(
        request,
        "webhooks/list.html",
        {"endpoints": endpoints, "event_types": EventType.choices, "nav": "settings"},
    )


@require_http_methods(["GET", "POST"])
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_add(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = create_endpoint(
                request.practice,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
                enabled=form.cleaned_data["enabled"],
                by=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return _show_secret(request, endpoint, new=True)
    return render(
        request,
        "webhooks/add.html",
        {"form": form, "nav": "settings"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_detail(http_request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    endpoint = get_endpoint_for_staff(request.practice, endpoint_id)
    form = EndpointForm.for_endpoint(endpoint, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            update_endpoint(
                endpoint,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.cleaned_data["event_types"],
                enabled=form.cleaned_data["enabled"],
                by=Actor.from_request(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, pgettext("staff", "Saved."))
            return redirect("webhooks:detail", endpoint_id=endpoint.public_id)
    return render(
        request,
        "webhooks/detail.html",
        {
            "endpoint": endpoint,
            "form": form,
            "log": delivery_log(endpoint, timezone.now()),
            "nav": "settings",
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_test(http_request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    endpoint = get_endpoint_for_staff(request.practice, endpoint_id)
    if not endpoint.enabled:
        messages.error(
            request,
            pgettext(
                "staff", "This endpoint is turned off: turn it on first, then send a test event."
            ),
        )
    else:
        send_test_event(endpoint, by=Actor.from_request(request))
        messages.success(
            request,
            pgettext(
                "staff",
                "A test event is on its way. Its result appears in the delivery log below "
                "within a few seconds (reload the page).",
            ),
        )
    return redirect("webhooks:detail", endpoint_id=endpoint.public_id)


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_rotate(http_request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    endpoint = get_endpoint_for_staff(request.practice, endpoint_id)
    rotate_secret(endpoint, by=Actor.from_request(request))
    return _show_secret(request, endpoint, new=False)


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_switch(http_request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    endpoint = get_endpoint_for_staff(request.practice, endpoint_id)
    enable = request.POST.get("enabled") == "on"
    set_endpoint_enabled(endpoint, enabled=enable, by=Actor.from_request(request))
    messages.success(
        request,
        pgettext("staff", "Turned on: new events are sent to this address.")
        if enable
        else pgettext(
            "staff", "Turned off: nothing is sent to this address until you turn it on again."
        ),
    )
    return redirect("webhooks:detail", endpoint_id=endpoint.public_id)


@require_http_methods(["GET", "POST"])
@staff_required(Can.MANAGE_SETTINGS)
def endpoint_delete(http_request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    endpoint = get_endpoint_for_staff(request.practice, endpoint_id)
    if request.method == "POST":
        url = endpoint.url
        delete_endpoint(endpoint, by=Actor.from_request(request))
        messages.success(
            request, pgettext("staff", "Deleted. Nothing more is sent to %(url)s.") % {"url": url}
        )
        return redirect("webhooks:list")
    return render(request, "webhooks/delete.html", {"endpoint": endpoint, "nav": "settings"})
