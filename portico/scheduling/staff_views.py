"""Staff pages: who publishes what, each clinician's availability, requests, the rules."""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from portico.accounts.decorators import staff_required
from portico.accounts.models import User
from portico.appointments.queries import bookable_for, get_appointment_for_staff
from portico.appointments.when import zone_label
from portico.audit.actor import Actor
from portico.lib.localtime import day_and_time_with_zone
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can, staff_can
from portico.scheduling import actions
from portico.scheduling.booking import approve_request, decline_request
from portico.scheduling.forms import (
    BookableTypeForm,
    ChooseClinicianForm,
    ExceptionForm,
    SchedulingSettingsForm,
    WeeklyWindowForm,
)
from portico.scheduling.models import Weekday
from portico.scheduling.queries import published, waiting_requests
from portico.scheduling.rules import get_clinician_for_staff, scheduling_settings_of
from portico.scheduling.slots import open_times

PREVIEW = 5  # open times shown per type on the availability page


def _base(request: SignedInRequest) -> dict[str, object]:
    return {
        "nav": "appointments",
        "zone": zone_label(request.practice),
        "feature_on": feature_on(request.practice, PortalFeature.SELF_SCHEDULING),
        "may_manage_settings": staff_can(request.user, request.practice, Can.MANAGE_SETTINGS),
    }


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET"])
def index(http_request: HttpRequest) -> HttpResponse:
    """The clinicians whose availability this person publishes (a clinician: themself)."""
    request = cast(SignedInRequest, http_request)
    clinicians = bookable_for(request.user, request.practice)
    chooser = ChooseClinicianForm(request.GET or None, clinicians=clinicians)
    if request.GET and chooser.is_valid():
        chosen: User = chooser.cleaned_data["clinician"]
        return redirect("staff_scheduling:availability", clinician_id=chosen.pk)
    context = {
        **_base(request),
        "clinicians": list(clinicians),
        "chooser": chooser,
        "waiting": len(waiting_requests(request.user, request.practice)),
    }
    return render(
        request, "scheduling/staff_index.html", context, status=400 if chooser.errors else 200
    )


def _publish(request: SignedInRequest, clinician: User) -> tuple[str, Form | None]:
    """Run the POSTed change; returns (success message, the form with errors or None)."""
    by = Actor.from_request(request)
    intent = request.POST.get("intent", "")
    post = request.POST
    if intent == "window":
        form: Form = WeeklyWindowForm(post, prefix="window")
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.add_weekly_window(
                    clinician, by=by, weekday=data["weekday"], start=data["start"], end=data["end"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
                return "", form
            added = pgettext("staff", "Weekly hours added for %(day)s.")
            return added % {"day": Weekday(data["weekday"]).label}, None
        return "", form
    if intent == "exception":
        form = ExceptionForm(post, prefix="exception")
        if form.is_valid():
            try:
                actions.add_exception(clinician, by=by, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
                return "", form
            return pgettext("staff", "Exception saved."), None
        return "", form
    if intent == "type":
        form = BookableTypeForm(post, prefix="type")
        if form.is_valid():
            try:
                actions.add_bookable_type(clinician, by=by, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
                return "", form
            return pgettext("staff", "Appointment type added: clients can book it now."), None
        return "", form
    target = post.get("target", "")
    found = published(clinician)
    if intent == "remove_window":
        window = next((w for w in found.windows if str(w.pk) == target), None)
        if window is None:
            raise Http404("No such weekly hours.")
        actions.remove_weekly_window(window, by=by)
        return pgettext("staff", "Weekly hours removed. Appointments already booked stay."), None
    if intent == "remove_exception":
        exception = next((e for e in found.exceptions if str(e.pk) == target), None)
        if exception is None:
            raise Http404("No such exception.")
        actions.remove_exception(exception, by=by)
        return pgettext("staff", "Exception removed."), None
    if intent == "retire_type":
        bookable = next((t for t in found.types if str(t.public_id) == target), None)
        if bookable is None:
            raise Http404("No such appointment type.")
        actions.retire_bookable_type(bookable, by=by)
        return (
            pgettext(
                "staff", "Clients can no longer book that type. Appointments already booked stay."
            ),
            None,
        )
    raise Http404("Unknown change.")


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def availability(http_request: HttpRequest, clinician_id: int) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    clinician = get_clinician_for_staff(request.user, request.practice, clinician_id)
    failed: Form | None = None
    if request.method == "POST":
        done, failed = _publish(request, clinician)
        if failed is None:
            messages.success(request, done)
            return redirect("staff_scheduling:availability", clinician_id=clinician.pk)
    found = published(clinician)
    rules = scheduling_settings_of(request.practice)
    now = timezone.now()
    forms: dict[str, Form] = {
        "window": WeeklyWindowForm(prefix="window"),
        "exception": ExceptionForm(prefix="exception"),
        "type": BookableTypeForm(prefix="type"),
    }
    if failed is not None:
        forms[failed.prefix or ""] = failed
    days = [
        (label, [w for w in found.windows if w.weekday == value])
        for value, label in Weekday.choices
    ]
    context = {
        **_base(request),
        "clinician": clinician,
        "days": days,
        "exceptions": found.exceptions,
        "types": [(t, open_times(t, rules, now)[:PREVIEW]) for t in found.types],
        "rules": rules,
        "window_form": forms["window"],
        "exception_form": forms["exception"],
        "type_form": forms["type"],
        "failed": failed.prefix if failed is not None else "",
    }
    status = 400 if failed is not None else 200
    return render(request, "scheduling/staff_availability.html", context, status=status)


@staff_required(Can.VIEW_CLIENTS)
@require_http_methods(["GET", "POST"])
def requests(http_request: HttpRequest) -> HttpResponse:
    """Appointments clients booked that wait for approval: approve or decline each."""
    request = cast(SignedInRequest, http_request)
    problem = ""
    if request.method == "POST":
        try:
            wanted = uuid.UUID(request.POST.get("appointment", ""))
        except ValueError as error:
            raise Http404("No such appointment.") from error
        appointment = get_appointment_for_staff(request.user, request.practice, wanted)
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            raise Http404("Unknown decision.")
        act = approve_request if decision == "approve" else decline_request
        try:
            act(appointment, by=Actor.from_request(request))
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            when = day_and_time_with_zone(request.practice, appointment.starts_at)
            done = (
                pgettext("staff", "Approved: %(client)s, %(when)s. The confirmation was emailed.")
                if decision == "approve"
                else pgettext(
                    "staff",
                    "Declined: %(client)s, %(when)s. The client's side was emailed that it is "
                    "cancelled.",
                )
            )
            messages.success(request, done % {"client": appointment.client.full_name, "when": when})
            return redirect("staff_scheduling:requests")
    context = {
        **_base(request),
        "waiting": waiting_requests(request.user, request.practice),
        "now": timezone.now(),
        "problem": problem,
        "approval_on": scheduling_settings_of(request.practice).requires_approval,
    }
    status = 400 if problem else 200
    return render(request, "scheduling/staff_requests.html", context, status=status)


@staff_required(Can.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def scheduling_settings(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    rules = scheduling_settings_of(request.practice)
    form = SchedulingSettingsForm(
        request.POST or None,
        initial={
            "minimum_notice_hours": rules.minimum_notice_hours,
            "horizon_days": rules.horizon_days,
            "requires_approval": rules.requires_approval,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_scheduling_settings(
                request.practice,
                by=Actor.from_request(request),
                notice_hours=form.cleaned_data["minimum_notice_hours"],
                horizon_days=form.cleaned_data["horizon_days"],
                requires_approval=form.cleaned_data["requires_approval"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, pgettext("staff", "Self-scheduling settings saved."))
            return redirect("staff_scheduling:settings")
    context = {**_base(request), "form": form, "nav": "settings"}
    status = 400 if form.errors else 200
    return render(request, "scheduling/staff_settings.html", context, status=status)
