"""Staff pages about email: the practice-wide activity list (no bodies are shown)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from portico.accounts.decorators import staff_required
from portico.mail.models import EmailKind, EmailStatus
from portico.mail.queries import activity_page, delivery_state
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


class ActivityFilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    status = forms.ChoiceField(
        label=pgettext_lazy("staff", "State"),
        choices=[("", pgettext_lazy("staff", "Any state")), *EmailStatus.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("staff", "Email"),
        choices=[("", pgettext_lazy("staff", "Any email")), *EmailKind.choices],
        required=False,
    )


@require_GET
@staff_required(Can.VIEW_EMAIL_ACTIVITY)
def activity(request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, request)
    form = ActivityFilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    page = activity_page(
        request.practice, status=status, kind=kind, cursor=request.GET.get("cursor", "")
    )
    rows = [(email, delivery_state(email)) for email in page.rows]
    # The filters ride along on Newer/Older, so paging keeps what staff chose.
    filters = urlencode(
        {name: value for name, value in (("status", status), ("kind", kind)) if value}
    )
    return render(
        request,
        "mail/activity.html",
        {"form": form, "page": page, "rows": rows, "filters": filters, "nav": "email"},
    )
