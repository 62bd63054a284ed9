"""Telehealth pages: the portal's Join, and the staff pages for rooms and the client's consent."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from portico.accounts.decorators import staff_required
from portico.appointments.queries import clinicians_of, get_appointment_for_portal
from portico.appointments.rooms import (
    has_own_room,
    own_room,
    rooms_of,
    set_adult_consent_rule,
    set_clinician_room,
    set_practice_room,
)
from portico.appointments.rules import settings_of
from portico.appointments.telehealth_actions import join_video_appointment, record_client_consent
from portico.appointments.telehealth_forms import RoomForm, TelehealthRulesForm
from portico.audit.actor import Actor
from portico.clients.queries import get_client_for_staff
from portico.portal.decorators import acting_for_required
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can

# --- the portal ---------------------------------------------------------------------------


@require_http_methods(["POST"])
@acting_for_required
def join(http_request: HttpRequest, appointment_id: str) -> HttpResponse:
    """Re-check the gate, audit the join, send the browser to the room (a POST: no prefetch
    or link scanner ever joins for anyone)."""
    request = cast(SignedInRequest, http_request)
    access = request.acting.grant  # type: ignore[attr-defined]
    appointment = get_appointment_for_portal(access.client, appointment_id)
    try:
        room = join_video_appointment(appointment, access=access, by=Actor.from_request(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        back = (
            "portal_appointments:list"
            if feature_on(request.practice, PortalFeature.APPOINTMENTS)
            else "portal:home"
        )
        return redirect(back)
    return HttpResponseRedirect(room)


# --- staff --------------------------------------------------------------------------------


def _base(request: SignedInRequest, nav: str) -> dict[str, object]:
    return {"nav": nav, "feature_on": feature_on(request.practice, PortalFeature.TELEHEALTH)}


@staff_required(Can.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def telehealth_settings(http_request: HttpRequest) -> HttpResponse:
    """The practice's room, whether adults need consent, and every clinician's room."""
    request = cast(SignedInRequest, http_request)
    practice = request.practice
    rules = settings_of(practice)
    clinicians = list(clinicians_of(practice))
    rooms = rooms_of(practice, {c.pk for c in clinicians})
    chosen = request.POST.get("room_of", "") if request.method == "POST" else ""
    by = Actor.from_request(request)
    form = TelehealthRulesForm(
        request.POST if chosen == "practice" else None,
        prefix="practice",
        label=pgettext("staff", "The practice's video room address"),
        initial={
            "url": rules.video_room_url,
            "consent_for_adults": rules.telehealth_consent_for_adults,
        },
    )
    rows = []
    for clinician in clinicians:
        mine = chosen == str(clinician.pk)
        rows.append(
            (
                clinician,
                RoomForm(
                    request.POST if mine else None,
                    prefix=f"room-{clinician.pk}",
                    label=pgettext("staff", "Video room of %(name)s")
                    % {"name": clinician.full_name or clinician.username},
                    initial={"url": rooms.get(clinician.pk, "")},
                ),
            )
        )
    if chosen == "practice" and form.is_valid():
        set_practice_room(practice, by=by, url=form.cleaned_data["url"])
        set_adult_consent_rule(practice, by=by, required=form.cleaned_data["consent_for_adults"])
        messages.success(request, pgettext("staff", "Telehealth settings saved."))
        return redirect("staff_appointments:telehealth")
    for clinician, room_form in rows:
        if chosen == str(clinician.pk) and room_form.is_valid():
            set_clinician_room(
                practice, by=by, clinician=clinician, url=room_form.cleaned_data["url"]
            )
            name = clinician.full_name or clinician.username
            messages.success(
                request, pgettext("staff", "Video room of %(name)s saved.") % {"name": name}
            )
            return redirect(reverse("staff_appointments:telehealth") + f"#room-{clinician.pk}")
    context = {**_base(request, "settings"), "form": form, "rows": rows}
    invalid = form.errors or any(room_form.errors for _, room_form in rows)
    return render(
        request, "appointments/telehealth_settings.html", context, status=400 if invalid else 200
    )


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def my_room(http_request: HttpRequest) -> HttpResponse:
    """A clinician's own room (their video appointments use it before the practice's)."""
    request = cast(SignedInRequest, http_request)
    user = request.user
    allowed = has_own_room(user)
    form = RoomForm(request.POST or None, initial={"url": own_room(user) if allowed else ""})
    if request.method == "POST" and allowed and form.is_valid():
        set_clinician_room(
            request.practice,
            by=Actor.from_request(request),
            clinician=user,
            url=form.cleaned_data["url"],
        )
        messages.success(request, pgettext("staff", "Your video room is saved."))
        return redirect("staff_appointments:my_room")
    context = {
        **_base(request, "appointments"),
        "form": form,
        "allowed": allowed,
        "practice_room": settings_of(request.practice).video_room_url,
    }
    return render(
        request, "appointments/telehealth_my_room.html", context, status=400 if form.errors else 200
    )


@staff_required(Can.EDIT_CLIENTS)
def client_consent(http_request: HttpRequest, public_id: str) -> HttpResponse:
    """Record (``given=yes``) or withdraw the client's own telehealth consent."""
    request = cast(SignedInRequest, http_request)
    client = get_client_for_staff(
        request.user, request.practice, public_id, capability=Can.EDIT_CLIENTS
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    given = request.POST.get("given") == "yes"
    record_client_consent(client, given=given, by=Actor.from_request(request))
    done = (
        pgettext("staff", "Telehealth consent for %(name)s was recorded.")
        if given
        else pgettext("staff", "Telehealth consent for %(name)s was withdrawn.")
    )
    messages.success(request, done % {"name": client.full_name})
    return redirect("staff_appointments:client", client.public_id)
