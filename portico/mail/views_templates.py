"""Staff pages for a practice's email templates: list, edit, preview, restore, send a test."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import pgettext, pgettext_lazy
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
from portico.mail.queries import template_overrides_by_language
from portico.mail.rendering import STAFF_KINDS, default_template_source, preview_email
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can

# The kinds a practice can customise (test emails are Portico's own).
EDITABLE = [kind for kind in EmailKind if kind != EmailKind.TEST]
LANGUAGE_NAMES = dict(settings.LANGUAGES)
# Emails to staff are always in English: their text has no other language to edit.
ENGLISH_ONLY = {kind for kind in EDITABLE if kind in STAFF_KINDS}


class TemplateForm(forms.Form):
    subject = forms.CharField(label=pgettext_lazy("staff", "Subject"), max_length=200)
    body_text = forms.CharField(
        label=pgettext_lazy("staff", "Email text"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        max_length=10_000,
        help_text=pgettext_lazy(
            "staff",
            "Plain text. Blank lines start new paragraphs; links become buttons "
            "only in the default design, here they stay links.",
        ),
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


def _language(kind: EmailKind, language: str) -> str:
    if language not in LANGUAGE_NAMES or (language != "en" and kind in ENGLISH_ONLY):
        raise Http404("No such language.")
    return language


def _edit_url_args(kind: EmailKind, language: str) -> dict[str, str]:
    return {"kind": kind.value} | ({} if language == "en" else {"language": language})


def _languages(
    kind: EmailKind, current: str, overrides: Mapping[str, object]
) -> list[dict[str, object]]:
    """The language tabs of the editor: each with its state (own text or the default)."""
    codes = ["en"] if kind in ENGLISH_ONLY else list(LANGUAGE_NAMES)
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "current": code == current,
            "customised": code in overrides,
            "url": reverse("mail:template_edit", kwargs=_edit_url_args(kind, code)),
        }
        for code in codes
    ]


@require_http_methods(["GET"])
@staff_required(Can.MANAGE_SETTINGS)
def template_list(request: HttpRequest) -> HttpResponse:
    request = cast(SignedInRequest, request)
    overrides = template_overrides_by_language(request.practice)
    rows = [
        (
            kind,
            overrides.get(kind, {}).get("en"),
            [
                (code, name, overrides.get(kind, {}).get(code))
                for code, name in LANGUAGE_NAMES.items()
                if code == "en" or kind not in ENGLISH_ONLY
            ],
        )
        for kind in EDITABLE
    ]
    return render(request, "mail/template_list.html", {"rows": rows, "nav": "settings"})


@require_http_methods(["GET", "POST"])
@staff_required(Can.MANAGE_SETTINGS)
def template_edit(request: HttpRequest, kind: str, language: str = "en") -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    language = _language(email_kind, language)
    practice = request.practice
    overrides = template_overrides_by_language(practice).get(email_kind, {})
    override = overrides.get(language)
    preview = None
    if request.method == "POST":
        form = TemplateForm(request.POST, kind=email_kind)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body_text"]
            if "preview" in request.POST:
                preview = preview_email(
                    practice, email_kind, subject=subject, body_text=body, language=language
                )
            else:
                try:
                    save_template_override(
                        practice,
                        kind=email_kind,
                        subject=subject,
                        body_text=body,
                        by=Actor.from_request(request),
                        language=language,
                    )
                except InvalidTemplate as exc:  # checked by the form too; kept for safety
                    for field, problems in exc.problems.items():
                        form.add_error(field, [str(p) for p in problems])
                else:
                    messages.success(
                        request,
                        pgettext(
                            "staff", "Saved. %(kind)s emails in %(language)s now use your text."
                        )
                        % {"kind": email_kind.label, "language": LANGUAGE_NAMES[language]},
                    )
                    return redirect(
                        reverse("mail:template_edit", kwargs=_edit_url_args(email_kind, language))
                    )
        status = 200 if form.is_valid() else 400
    else:
        if override is not None:
            initial = {"subject": override.subject, "body_text": override.body_text}
        else:
            subject, body = default_template_source(practice, email_kind, language)
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
            "saved_preview": None
            if preview
            else preview_email(practice, email_kind, language=language),
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "languages": _languages(email_kind, language, overrides),
            "urls": {
                name: reverse(f"mail:template_{name}", kwargs=_edit_url_args(email_kind, language))
                for name in ("edit", "test", "reset")
            },
            "nav": "settings",
        },
        status=status,
    )


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def template_reset(request: HttpRequest, kind: str, language: str = "en") -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    language = _language(email_kind, language)
    if reset_template_override(
        request.practice, kind=email_kind, by=Actor.from_request(request), language=language
    ):
        messages.success(
            request,
            pgettext(
                "staff",
                "%(kind)s emails in %(language)s use Portico's default %(language)s text again.",
            )
            % {"kind": email_kind.label, "language": LANGUAGE_NAMES[language]},
        )
    return redirect(reverse("mail:template_edit", kwargs=_edit_url_args(email_kind, language)))


@require_POST
@staff_required(Can.MANAGE_SETTINGS)
def template_send_test(request: HttpRequest, kind: str, language: str = "en") -> HttpResponse:
    request = cast(SignedInRequest, request)
    email_kind = _kind(kind)
    language = _language(email_kind, language)
    to = request.user.email
    if not to:
        messages.error(
            request,
            pgettext(
                "staff", "Your account has no email address, so there is nowhere to send a test."
            ),
        )
    else:
        send_test_email(
            request.practice,
            kind=email_kind,
            to=to,
            by=Actor.from_request(request),
            language=language,
        )
        values = {"kind": str(email_kind.label).lower(), "to": to}
        if language == "en":
            sent = pgettext(
                "staff",
                "A test of the saved %(kind)s email is on its way to %(to)s. "
                "Its link is an example and leads nowhere.",
            )
        else:
            values["language"] = LANGUAGE_NAMES[language]
            sent = pgettext(
                "staff",
                "A test of the saved %(kind)s email (%(language)s) is on its way to %(to)s. "
                "Its link is an example and leads nowhere.",
            )
        messages.success(request, sent % values)
    return redirect(reverse("mail:template_edit", kwargs=_edit_url_args(email_kind, language)))
