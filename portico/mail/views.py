"""Staff pages about email: the practice-wide activity list (no bodies are shown)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portico.accounts.decorators import staff_required
from portico.mail.models import EmailKind, EmailStatus
from portico.mail.queries import delivery_state, emails_for_practice
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


class ActivityFilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    status = forms.ChoiceField(
        label="State", choices=[("", "Any state"), *EmailStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label="Email", choices=[("", "Any email"), *EmailKind.choices], required=False
    )


@require_GET
@staff_required(Can.VIEW_EMAIL_ACTIVITY)
def activity(request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, request)
    form = ActivityFilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    emails = emails_for_practice(request.practice, status=status, kind=kind).select_related(
        "practice", "client"
    )
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    rows = [(email, delivery_state(email)) for email in page]
    return render(
        request,
        "mail/activity.html",
        {"form": form, "page": page, "rows": rows, "nav": "email"},
    )
