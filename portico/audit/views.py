"""The practice-wide access history and its CSV export (owners and administrators)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from portico.accounts.decorators import staff_required
from portico.accounts.forms import PlainForm
from portico.audit.actor import Actor
from portico.audit.queries import (
    ACTION_GROUPS,
    EventFilter,
    describe_event,
    export_rows,
    page_of_events,
)
from portico.audit.reads import ReadPage, record_read
from portico.clients.models import Client
from portico.clients.queries import get_client_for_staff
from portico.lib.localtime import local, practice_zone
from portico.practices.http import SignedInRequest
from portico.practices.models import Practice
from portico.practices.roles import Can
from portico.twofactor.reauth import recent_authentication_required


class EventFilterForm(PlainForm):
    action = forms.ChoiceField(
        label=pgettext_lazy("staff", "Show"), choices=ACTION_GROUPS, required=False
    )
    since = forms.DateField(
        label=pgettext_lazy("staff", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": pgettext_lazy("staff", "Enter the start date as YYYY-MM-DD.")},
    )
    until = forms.DateField(
        label=pgettext_lazy("staff", "To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": pgettext_lazy("staff", "Enter the end date as YYYY-MM-DD.")},
    )
    views = forms.BooleanField(
        label=pgettext_lazy("staff", "Include record views"),
        required=False,
        help_text=pgettext_lazy(
            "staff", "Staff opening a client's pages or this history. Off: access events only."
        ),
    )
    # Set by the "See who opened it" link on a client's page; carried through the filters.
    client = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", pgettext("staff", "The end date is before the start date."))
        return cleaned

    def to_filter(self, practice: Practice, client: Client | None = None) -> EventFilter:
        """Dates are days in the practice's time zone."""
        if not self.is_valid():
            return EventFilter(client_id=client.pk if client else None)
        zone = practice_zone(practice)
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        return EventFilter(
            action_prefix=self.cleaned_data.get("action") or "",
            since=datetime.combine(since, time.min, zone) if since else None,
            until=datetime.combine(until + timedelta(days=1), time.min, zone) if until else None,
            include_views=bool(self.cleaned_data.get("views")),
            client_id=client.pk if client else None,
        )

    def applied(self) -> dict[str, Any]:
        """The filters in force, for the audit event: what was asked, in the words of the form."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        applied: dict[str, Any] = {}
        if data.get("action"):
            applied["action"] = data["action"]
        for name in ("since", "until"):
            if data.get(name):
                applied[name] = data[name].isoformat()
        if data.get("views"):
            applied["include_views"] = True
        return applied


def _filtered_client(request: SignedInRequest) -> Client | None:
    """The client the history is narrowed to, if any: another practice's is a 404."""
    public_id = request.GET.get("client")
    if not public_id:
        return None
    try:
        uuid.UUID(public_id)
    except ValueError:
        raise Http404("No such client.") from None
    return get_client_for_staff(request.user, request.practice, public_id)


def _filters_recorded(
    request: SignedInRequest, page: ReadPage
) -> tuple[EventFilterForm, Client | None, EventFilter]:
    """The filters asked for, after recording that this staff member read the history."""
    client = _filtered_client(request)
    form = EventFilterForm(request.GET or None)
    filters = form.to_filter(request.practice, client)
    record_read(
        Actor.from_request(request),
        practice=request.practice,
        page=page,
        client=client,
        filters=form.applied(),
    )
    return form, client, filters


@staff_required(Can.EXPORT_AUDIT)
@require_GET
def event_list(http_request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, http_request)
    form, client, filters = _filters_recorded(request, ReadPage.ACCESS_HISTORY)
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
            "client": client,
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
@recent_authentication_required()
@require_GET
def export_csv(http_request: HttpRequest) -> StreamingHttpResponse:
    request = cast(SignedInRequest, http_request)
    # Every download is a disclosure: always recorded, never folded into an earlier one.
    _form, _client, filters = _filters_recorded(request, ReadPage.ACCESS_HISTORY_EXPORT)
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
