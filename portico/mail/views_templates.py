"""Staff pages for a practice's email templates: list, edit, preview, restore, send a test."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.mail.actions import (
    InvalidTemplate,
    reset_template_override,
    save_template_override,
    send_test_email,
    template_problems,
)
from portico.mail.models import EmailKind
from portico.mail.placeholders import AVAILABLE, LINK_REQUIRED, PLACEHOLDER_HELP
from portico.mail.queries import template_overrides_for_practice
from portico.mail.rendering import default_template_source, preview_email
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can

# The kinds a practice can customise (test emails are Portico's own).
EDITABLE = [kind for kind in EmailKind if kind != EmailKind.TEST]


class TemplateForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body_text = forms.CharField(
        label="Email text",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        max_length=10_000,
        help_text="Plain text. Blank lines start new paragraphs; links become buttons "
        "only in the default design, here they stay links.",
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kind = kind

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        subject, body = cleaned.get("subject"), cleaned.get("body_text")
        if isinstance(subject, str) and isinstance(body, str):
            found = template_problems(self.kind, subject=subject, body_text=body)
            for field, problems in found.items():
                self.add_error(field, [str(problem) for problem in problems])
        return cleaned


def _kind(kind: str) -> EmailKind:
    if kind not in EDITABLE:
        raise Http404("No such email.")
    return EmailKind(kind)


@require_http_methods(["GET"])
@staff_required(Can.MANAGE_SETTINGS)
def template_list(request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, request)
    overrides = template_overrides_for_practice(request.practice)
    rows = [(kind, overrides.get(kind)) for kind in EDITABLE]
    return render(request, "mail/template_list.html", {"rows": rows, "nav": "settings"})


@require_http_methods(["GET", "POST"])
@staff_required(Can.MANAGE_SETTINGS)
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    practice = request.practice
    override = template_overrides_for_practice(practice).get(email_kind)
    preview = None
    if request.method == "POST":
        form = TemplateForm(request.POST, kind=email_kind)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body_text"]
            if "preview" in request.POST:
                preview = preview_email(practice, email_kind, subject=subject, body_text=body)
            else:
                try:
                    save_template_override(
                        practice,
                        kind=email_kind,
                        subject=subject,
                        body_text=body,
                        by=Actor.from_request(request),
                    )
                except InvalidTemplate as exc:  # checked by the form too; kept for safety
                    for field, problems in exc.problems.items():
                        form.add_error(field, [str(p) for p in problems])
                else:
                    messages.success(
                        request, f"Saved. {email_kind.label} emails now use your text."
                    )
                    return redirect("mail:template_edit", kind=email_kind.value)
        status = 200 if form.is_valid() else 400
    else:
        if override is not None:
            initial = {"subject": override.subject, "body_text": override.body_text}
        else:
            subject, body = default_template_source(practice, email_kind)
            initial = {"subject": subject, "body_text": body}
        form = TemplateForm(initial=initial, kind=email_kind)
        status = 200
    placeholders = [(name, PLACEHOLDER_HELP[name]) for name in AVAILABLE[email_kind]]
    return render(
        request,
        "mail/template_edit.html",
        {
            "form": form,
            "kind": email_kind,
            "override": override,
            "placeholders": placeholders,
            "link_required": email_kind in LINK_REQUIRED,
            "preview": preview,
            "saved_preview": None if preview else preview_email(practice, email_kind),
            "nav": "settings",
        },
        status=status,
    )


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def template_reset(request: HttpRequest, kind: str) -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    if reset_template_override(request.practice, kind=email_kind, by=Actor.from_request(request)):
        messages.success(request, f"{email_kind.label} emails use Portico's default text again.")
    return redirect("mail:template_edit", kind=email_kind.value)


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def template_send_test(request: HttpRequest, kind: str) -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    to = request.user.email
    if not to:
        messages.error(
            request, "Your account has no email address, so there is nowhere to send a test."
        )
    else:
        send_test_email(request.practice, kind=email_kind, to=to, by=Actor.from_request(request))
        messages.success(
            request,
            f"A test of the saved {email_kind.label.lower()} email is on its way to {to}. "
            "Its link is an example and leads nowhere.",
        )
    return redirect("mail:template_edit", kind=email_kind.value)
