"""The portal's appointments: the list, cancelling in time, and the calendar file."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from portico.appointments.actions import cancel_appointment_as_client
from portico.appointments.ics import calendar_file, file_name
from portico.appointments.queries import (
    get_appointment_for_calendar,
    get_appointment_for_portal,
    portal_appointments,
)
from portico.appointments.rules import client_may_cancel, settings_of
from portico.appointments.telehealth_pages import allow_join_redirects, portal_states
from portico.appointments.when import zone_label
from portico.audit.actor import Actor
from portico.lib.localtime import day_and_time_with_zone
from portico.portal.acting import active_grants, grant_label
from portico.portal.decorators import acting_for_required, portal_user_required
from portico.practices.http import SignedInRequest


@require_http_methods(["GET"])
@acting_for_required
def appointment_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    access = request.acting.grant  # type: ignore[attr-defined]
    now = timezone.now()
    rules = settings_of(request.practice)
    shown = portal_appointments(access.client, now)
    # Video appointments: Join or the reason why not (portico.appointments.telehealth).
    joins = portal_states(request.practice, access, [*shown.upcoming, *shown.past], now)
    rows = [
        (item, client_may_cancel(item, rules, now), joins.get(item.pk)) for item in shown.upcoming
    ]
    context = {
        "upcoming": rows,
        "past": [(item, joins.get(item.pk)) for item in shown.past],
        "rules": rules,
        "zone": zone_label(request.practice, now),
        "acting_for": "" if access.is_own else grant_label(access),
    }
    response = render(request, "appointments/portal_list.html", context)
    return allow_join_redirects(response, joins.values())


@require_http_methods(["GET", "POST"])
@acting_for_required
def cancel(http_request: HttpRequest, appointment_id: str) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    access = request.acting.grant  # type: ignore[attr-defined]
    appointment = get_appointment_for_portal(access.client, appointment_id)
    rules = settings_of(request.practice)
    problem = ""
    if request.method == "POST":
        try:
            cancel_appointment_as_client(appointment, access=access, by=Actor.from_request(request))
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                gettext("Your appointment of %(when)s is cancelled. %(practice)s has been told.")
                % {
                    "when": day_and_time_with_zone(request.practice, appointment.starts_at),
                    "practice": request.practice.name,
                },
            )
            return redirect("portal_appointments:list")
    context = {
        "appointment": appointment,
        "rules": rules,
        "may_cancel": client_may_cancel(appointment, rules, timezone.now()),
        "problem": problem,
        "acting_for": "" if access.is_own else grant_label(access),
    }
    return render(
        request, "appointments/portal_cancel.html", context, status=400 if problem else 200
    )


@require_http_methods(["GET"])
@portal_user_required
def calendar(http_request: HttpRequest, appointment_id: str) -> HttpResponse:
    """The .ics file of an appointment of anyone the signed-in person acts for."""
    request = cast(SignedInRequest, http_request)
    clients = [grant.client_id for grant in active_grants(request.user)]
    appointment = get_appointment_for_calendar(clients, appointment_id)
    response = HttpResponse(calendar_file(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(appointment)}"'
    return response
