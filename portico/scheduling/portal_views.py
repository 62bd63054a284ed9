"""The portal's booking: choose what to book, see open times by day, confirm one.

No JavaScript: each open time is a link to a confirmation page whose button
POSTs the clinician, the type and the start (UTC). The server checks all three
again (availability, notice, horizon) and books under the clinician's row lock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from portico.appointments.when import zone_label
from portico.audit.actor import Actor
from portico.lib.localtime import day_and_time_with_zone
from portico.portal.acting import grant_label
from portico.portal.decorators import acting_for_required
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.scheduling.booking import NotBookable, SlotTaken, next_after, self_book
from portico.scheduling.forms import BookForm
from portico.scheduling.models import BookableType
from portico.scheduling.queries import bookable_types, client_requests, get_bookable_for_portal
from portico.scheduling.rules import scheduling_settings_of
from portico.scheduling.slots import OpenDay, by_day, open_times

DAYS_SHOWN = 7  # days with open times on one page
NEXT_SHOWN = 6  # open times offered after a lost race


def _common(request: SignedInRequest) -> dict[str, object]:
    access = request.acting.grant  # type: ignore[attr-defined]
    return {
        "zone": zone_label(request.practice),
        "acting_for": "" if access.is_own else grant_label(access),
        "appointments_on": feature_on(request.practice, PortalFeature.APPOINTMENTS),
    }


def _page_of_days(days: list[OpenDay], first: date | None) -> tuple[list[OpenDay], date | None]:
    """Up to DAYS_SHOWN days with open times from ``first``, and the first day of the next page."""
    shown = [day for day in days if first is None or day.day >= first]
    later = shown[DAYS_SHOWN].day if len(shown) > DAYS_SHOWN else None
    return shown[:DAYS_SHOWN], later


def _times_page(
    request: SignedInRequest,
    bookable: BookableType,
    *,
    problem: str = "",
    taken: bool = False,
    wanted: datetime | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rules = scheduling_settings_of(request.practice)
    times = open_times(bookable, rules, now)
    first: date | None = None
    if "from" in request.GET:
        try:
            first = date.fromisoformat(request.GET["from"])
        except ValueError:
            first = None
    days, later = _page_of_days(by_day(request.practice, times), first)
    nearest: list[datetime] = []
    if wanted is not None:
        nearest = [moment for moment in times if moment >= next_after(wanted)][:NEXT_SHOWN]
        nearest = nearest or times[:NEXT_SHOWN]
    context = {
        **_common(request),
        "bookable": bookable,
        "days": days,
        "later": later,
        "rules": rules,
        "problem": problem,
        "taken": taken,
        "nearest": nearest,
    }
    return render(request, "scheduling/portal_times.html", context, status=status)


@require_http_methods(["GET"])
@acting_for_required
def book(http_request: HttpRequest) -> HttpResponse:
    """What can be booked (a list of types), or the open times of one (``?type=``)."""
    request = cast(SignedInRequest, http_request)
    if request.GET.get("type"):
        bookable = get_bookable_for_portal(request.practice, request.GET["type"])
        return _times_page(request, bookable)
    access = request.acting.grant  # type: ignore[attr-defined]
    context = {
        **_common(request),
        "types": list(bookable_types(request.practice)),
        "requests": client_requests(access.client, timezone.now()),
    }
    return render(request, "scheduling/portal_book.html", context)


def _start_of(raw: str) -> datetime | None:
    form = BookForm(
        {"clinician": "0", "type": "00000000-0000-0000-0000-000000000000", "start": raw}
    )
    return form.cleaned_data["start"] if form.is_valid() else None


@require_http_methods(["GET", "POST"])
@acting_for_required
def confirm(http_request: HttpRequest) -> HttpResponse:
    """GET: "Book this time?" with one button. POST: book it (or hear it was just taken)."""
    request = cast(SignedInRequest, http_request)
    access = request.acting.grant  # type: ignore[attr-defined]
    source = request.POST if request.method == "POST" else request.GET
    bookable = get_bookable_for_portal(request.practice, source.get("type", ""))
    if request.method == "GET":
        start = _start_of(request.GET.get("start", ""))
        if start is None:
            return redirect(f"{reverse('portal_scheduling:book')}?type={bookable.public_id}")
        context = {**_common(request), "bookable": bookable, "start": start}
        return render(request, "scheduling/portal_confirm.html", context)
    form = BookForm(request.POST)
    if not form.is_valid() or form.cleaned_data["clinician"] != bookable.clinician_id:
        return _times_page(
            request, bookable, problem=gettext("Choose one of the open times below."), status=400
        )
    start = form.cleaned_data["start"]
    try:
        appointment = self_book(
            access,
            by=Actor.from_request(request),
            bookable=bookable,
            clinician=bookable.clinician,
            starts_at=start,
        )
    except SlotTaken:
        return _times_page(request, bookable, taken=True, wanted=start, status=409)
    except NotBookable as refused:
        return _times_page(request, bookable, problem=str(refused), status=400)
    when = day_and_time_with_zone(request.practice, appointment.starts_at)
    if not appointment.is_booked:
        messages.success(
            request,
            gettext(
                "Requested: %(practice)s will confirm your appointment of %(when)s. "
                "You will get an email when they do."
            )
            % {"practice": request.practice.name, "when": when},
        )
        return redirect("portal_scheduling:book")
    messages.success(
        request,
        gettext("Booked: %(when)s. A confirmation with a calendar link is on its way by email.")
        % {"when": when},
    )
    if feature_on(request.practice, PortalFeature.APPOINTMENTS):
        return redirect("portal_appointments:list")
    return redirect("portal_scheduling:book")
