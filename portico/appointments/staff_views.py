"""Staff pages: the schedule, book, change, cancel, a client's appointments, the rules."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from portico.accounts.decorators import staff_required
from portico.appointments.actions import (
    Slot,
    book_appointment,
    cancel_appointment,
    change_appointment,
    update_appointment_settings,
)
from portico.appointments.forms import (
    AppointmentForm,
    AppointmentSettingsForm,
    ScheduleFilterForm,
)
from portico.appointments.models import Appointment
from portico.appointments.queries import (
    bookable_for,
    for_client_staff,
    get_appointment_for_staff,
    schedule,
)
from portico.appointments.rooms import has_own_room
from portico.appointments.rules import sees_only_own, settings_of
from portico.appointments.telehealth_pages import show_to_staff
from portico.appointments.when import zone_label
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.clients.queries import client_list_page, get_client_for_staff
from portico.lib.localtime import day_and_time_with_zone, local, practice_today
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can

CHOOSER_SIZE = 20  # clients shown for a search on the booking page


def _base(request: SignedInRequest) -> dict[str, object]:
    return {
        "nav": "appointments",
        "zone": zone_label(request.practice),
        "feature_on": feature_on(request.practice, PortalFeature.APPOINTMENTS),
    }


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _slot(form: AppointmentForm) -> Slot:
    data = form.cleaned_data
    if form.starts_at is None:  # a valid form always has one (AppointmentForm.clean)
        raise ValueError("The form was not valid.")
    return Slot(
        clinician=data["clinician"],
        starts_at=form.starts_at,
        duration_minutes=data["duration_minutes"],
        kind=data["kind"],
        location=data["location"].strip(),
        client_note=data["client_note"].strip(),
    )


def _day_url(request: SignedInRequest, appointment: Appointment) -> str:
    day = local(request.practice, appointment.starts_at).date()
    return reverse("staff_appointments:list") + f"?day={day:%Y-%m-%d}"


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET"])
def schedule_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    clinicians = bookable_for(request.user, request.practice)
    day, days, clinician = practice_today(request.practice), 1, None
    filters = ScheduleFilterForm(
        request.GET or None, clinicians=clinicians, initial={"day": day, "view": "day"}
    )
    if filters.is_valid():
        day = filters.cleaned_data["day"] or day
        days = 7 if filters.cleaned_data["view"] == "week" else 1
        clinician = filters.cleaned_data["clinician"]
    step = timedelta(days=days)
    query = request.GET.copy()
    query["day"] = (day - step).isoformat()
    earlier = query.urlencode()
    query["day"] = (day + step).isoformat()
    later = query.urlencode()
    shown = schedule(request.user, request.practice, first_day=day, days=days, clinician=clinician)
    now = timezone.now()
    show_to_staff(request.practice, [a for d in shown for a in d.appointments], now)
    context = {
        **_base(request),
        "filters": filters,
        "days": shown,
        "week": days == 7,
        "first_day": day,
        "today": practice_today(request.practice),
        "earlier": earlier,
        "later": later,
        "own_only": sees_only_own(request.user),
        "has_room": has_own_room(request.user),  # "My video room"
    }
    return render(request, "appointments/staff_list.html", context)


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def new(http_request: HttpRequest) -> HttpResponse:
    """Book for one client: chosen first (a search, never a list of every client)."""
    request = cast(SignedInRequest, http_request)
    client = _chosen_client(request)
    if client is None:
        return _choose_client(request)
    form = AppointmentForm(
        request.POST or None,
        practice=request.practice,
        clinicians=bookable_for(request.user, request.practice),
        initial={"clinician": request.user.pk, "client": client.public_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = book_appointment(
                request.practice,
                by=Actor.from_request(request),
                client=form.cleaned_data["client"],
                slot=_slot(form),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                pgettext("staff", "Booked for %(client)s: %(when)s.")
                % {
                    "client": appointment.client.full_name,
                    "when": day_and_time_with_zone(request.practice, appointment.starts_at),
                },
            )
            return redirect(_day_url(request, appointment))
    context = {**_base(request), "form": form, "appointment": None, "client": client}
    status = 400 if form.errors else 200
    return render(request, "appointments/staff_form.html", context, status=status)


def _chosen_client(request: SignedInRequest) -> Client | None:
    """The client named by ``?client=`` (GET) or the form's hidden field (POST), if any."""
    chosen = request.POST.get("client") if request.method == "POST" else None
    chosen = chosen or request.GET.get("client")
    if not chosen:
        return None
    with suppress(Http404, ValidationError, ValueError):
        client = get_client_for_staff(request.user, request.practice, chosen)
        if not client.is_archived:
            return client
    return None


def _choose_client(request: SignedInRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    found = (
        client_list_page(request.practice, search=search, page_size=CHOOSER_SIZE).rows
        if search
        else []
    )
    context = {**_base(request), "search": search, "found": found, "limit": CHOOSER_SIZE}
    return render(request, "appointments/staff_choose_client.html", context)


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def edit(http_request: HttpRequest, appointment_id: str) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    appointment = get_appointment_for_staff(request.user, request.practice, appointment_id)
    form = AppointmentForm.for_appointment(
        appointment,
        request.POST or None,
        clinicians=bookable_for(request.user, request.practice),
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = change_appointment(
                appointment, by=Actor.from_request(request), slot=_slot(form)
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                pgettext("staff", "Appointment saved: %(when)s.")
                % {"when": day_and_time_with_zone(request.practice, appointment.starts_at)},
            )
            return redirect(_day_url(request, appointment))
    context = {**_base(request), "form": form, "appointment": appointment}
    status = 400 if form.errors else 200
    return render(request, "appointments/staff_form.html", context, status=status)


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def cancel(http_request: HttpRequest, appointment_id: str) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    appointment = get_appointment_for_staff(request.user, request.practice, appointment_id)
    problem = ""
    if request.method == "POST":
        try:
            cancel_appointment(appointment, by=Actor.from_request(request))
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                pgettext("staff", "Cancelled: %(client)s, %(when)s. The client's side was emailed.")
                % {
                    "client": appointment.client.full_name,
                    "when": day_and_time_with_zone(request.practice, appointment.starts_at),
                },
            )
            return redirect(_day_url(request, appointment))
    context = {**_base(request), "appointment": appointment, "problem": problem}
    return render(
        request, "appointments/staff_cancel.html", context, status=400 if problem else 200
    )


@staff_required(Can.VIEW_CLIENTS)
def client_appointments(http_request: HttpRequest, public_id: str) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    # The scoped lookup comes first: another practice's client is 404 whatever the method.
    client: Client = get_client_for_staff(request.user, request.practice, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    appointments, now = for_client_staff(request.user, client), timezone.now()
    show_to_staff(request.practice, appointments, now)  # Join, or why not and the fix
    context = {
        **_base(request),
        "client": client,
        "appointments": appointments,
        "now": now,
        "telehealth_on": feature_on(request.practice, PortalFeature.TELEHEALTH),
        "nav": "clients",
    }
    return render(request, "appointments/staff_client.html", context)


@staff_required(Can.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def appointment_settings(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    rules = settings_of(request.practice)
    form = AppointmentSettingsForm(
        request.POST or None,
        initial={
            "cancellation_notice_hours": rules.cancellation_notice_hours,
            "reminder_lead_hours": rules.reminder_lead_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        update_appointment_settings(
            request.practice,
            by=Actor.from_request(request),
            notice_hours=form.cleaned_data["cancellation_notice_hours"],
            reminder_hours=form.cleaned_data["reminder_lead_hours"],
        )
        messages.success(request, pgettext("staff", "Appointment settings saved."))
        return redirect("staff_appointments:settings")
    context = {**_base(request), "form": form, "nav": "settings"}
    status = 400 if form.errors else 200
    return render(request, "appointments/staff_settings.html", context, status=status)
