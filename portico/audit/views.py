"""The practice-wide access history and its CSV export (owners and administrators)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portico.accounts.decorators import staff_required
from portico.accounts.forms import PlainForm
from portico.audit.queries import EventFilter, describe_event, export_rows, page_of_events
from portico.lib.localtime import local, practice_zone
from portico.practices.http import SignedInRequest
from portico.practices.models import Practice
from portico.practices.roles import Can

ACTION_GROUPS = [
    ("", "All events"),
    ("access.", "Portal access and links"),
    ("signin.", "Sign-ins and locks"),
    ("client.", "Client details"),
    ("staff.", "Staff accounts"),
    ("practice.", "Practice settings"),
]


class EventFilterForm(PlainForm):
    action = forms.ChoiceField(label="Show", choices=ACTION_GROUPS, required=False)
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD."},
    )
    until = forms.DateField(
        label="To (inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def to_filter(self, practice: Practice) -> EventFilter:
        """Dates are days in the practice's time zone."""
        if not self.is_valid():
            return EventFilter()
        zone = practice_zone(practice)
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        return EventFilter(
            action_prefix=self.cleaned_data.get("action") or "",
            since=datetime.combine(since, time.min, zone) if since else None,
            until=datetime.combine(until + timedelta(days=1), time.min, zone) if until else None,
        )


@staff_required(Can.EXPORT_AUDIT)
@require_GET
def event_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    form = EventFilterForm(request.GET or None)
    filters = form.to_filter(request.practice)
    page = page_of_events(request.practice, filters, cursor=request.GET.get("after", ""))
    rows = [
        {
            "event": event,
            "sentence": describe_event(event),
            "local_at": local(request.practice, event.at),
        }
        for event in page.events
    ]
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": page.next_cursor,
            "filter_query": query.urlencode(),
            "first_page": not request.GET.get("after"),
            "nav": "audit",
            "zone_label": request.practice.timezone.replace("_", " "),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required(Can.EXPORT_AUDIT)
@require_GET
def export_csv(http_request: HttpRequest) -> StreamingHttpResponse:
    request = cast(SignedInRequest, http_request)
    filters = EventFilterForm(request.GET or None).to_filter(request.practice)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in export_rows(request.practice, filters):
            yield writer.writerow(row)

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="access-history-{request.practice.slug}-{stamp}.csv"'
    )
    return response
