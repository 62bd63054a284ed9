"""The form builder (owners and admins): forms list, a form's page, its questions, preview.

No JavaScript: every change is a small form with its own button (move up, move
down, remove), and each answers with a redirect back to the form's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.intake import builder
from portico.intake.answers import AnswersForm
from portico.intake.forms import FormSettingsForm, QuestionForm
from portico.intake.models import Form
from portico.intake.queries import (
    get_form_for_staff,
    get_question,
    latest_version,
    practice_forms,
    questions_of,
)
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


def _said_new_version(request: SignedInRequest, edit: builder.Edit | None) -> None:
    if edit is not None and edit.new_version:
        messages.info(
            request,
            pgettext(
                "staff",
                "Clients have already started version %(started)d, so it stays as it is "
                "(their answers keep it). Your change went into a new draft, version "
                "%(number)d: publish it when it is ready.",
            )
            % {"started": edit.version.number - 1, "number": edit.version.number},
        )


@staff_required(Can.MANAGE_FORMS)
def form_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "intake/staff/form_list.html",
        {"nav": "forms", "rows": practice_forms(request.practice)},
    )


@staff_required(Can.MANAGE_FORMS)
@require_http_methods(["GET", "POST"])
def new_form(request: SignedInRequest) -> HttpResponse:
    form = FormSettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = builder.create_form(
            request.practice, by=Actor.from_request(request), **form.cleaned_data
        )
        messages.success(
            request,
            pgettext("staff", "“%(title)s” was created. Add its questions below.")
            % {"title": created.title},
        )
        return redirect("staff_forms:build", created.public_id)
    return render(request, "intake/staff/new_form.html", {"nav": "forms", "form": form})


def _build_context(
    form: Form,
    settings_form: FormSettingsForm | None = None,
    question_form: QuestionForm | None = None,
) -> dict[str, object]:
    version = latest_version(form)
    return {
        "nav": "forms",
        "the_form": form,
        "version": version,
        "questions": questions_of(version),
        "settings_form": settings_form or FormSettingsForm.for_form(form, version.instructions),
        "question_form": question_form or QuestionForm(),
    }


@staff_required(Can.MANAGE_FORMS)
@require_http_methods(["GET", "POST"])
def build(request: SignedInRequest, form_id: str) -> HttpResponse:
    """The form's page; POST saves its settings (title, instructions, flags)."""
    form = get_form_for_staff(request.user, request.practice, form_id)
    settings_form = None
    if request.method == "POST":
        version = latest_version(form)
        settings_form = FormSettingsForm.for_form(form, version.instructions, request.POST)
        if settings_form.is_valid():
            edit = builder.change_form_settings(
                form, by=Actor.from_request(request), **settings_form.cleaned_data
            )
            messages.success(
                request,
                pgettext("staff", "Saved.") if edit else pgettext("staff", "Nothing changed."),
            )
            _said_new_version(request, edit)
            return redirect("staff_forms:build", form.public_id)
    return render(request, "intake/staff/build.html", _build_context(form, settings_form))


@staff_required(Can.MANAGE_FORMS)
@require_POST
def add_question(request: SignedInRequest, form_id: str) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    question_form = QuestionForm(request.POST)
    if question_form.is_valid():
        try:
            edit = builder.add_question(
                form, by=Actor.from_request(request), **question_form.values()
            )
        except ValidationError as exc:
            question_form.add_error(None, exc)
        else:
            messages.success(request, pgettext("staff", "Question added."))
            _said_new_version(request, edit)
            return redirect("staff_forms:build", form.public_id)
    return render(
        request, "intake/staff/build.html", _build_context(form, question_form=question_form)
    )


@staff_required(Can.MANAGE_FORMS)
@require_http_methods(["GET", "POST"])
def edit_question(request: SignedInRequest, form_id: str, question_id: int) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    question = get_question(latest_version(form), question_id)
    initial = {
        "label": question.label,
        "kind": question.kind,
        "help_text": question.help_text,
        "required": question.required,
        "choices": "\n".join(question.choices),
    }
    question_form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and question_form.is_valid():
        try:
            edit = builder.change_question(
                form, question, by=Actor.from_request(request), **question_form.values()
            )
        except ValidationError as exc:
            question_form.add_error(None, exc)
        else:
            messages.success(request, pgettext("staff", "Question saved."))
            _said_new_version(request, edit)
            return redirect("staff_forms:build", form.public_id)
    context = {
        "nav": "forms",
        "the_form": form,
        "question": question,
        "question_form": question_form,
    }
    return render(request, "intake/staff/edit_question.html", context)


@staff_required(Can.MANAGE_FORMS)
@require_POST
def move_question(request: SignedInRequest, form_id: str, question_id: int) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    question = get_question(latest_version(form), question_id)
    up = request.POST.get("direction") == "up"
    edit = builder.move_question(
        form, question, by=Actor.from_request(request), direction="up" if up else "down"
    )
    _said_new_version(request, edit)
    return redirect("staff_forms:build", form.public_id)


@staff_required(Can.MANAGE_FORMS)
@require_POST
def remove_question(request: SignedInRequest, form_id: str, question_id: int) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    question = get_question(latest_version(form), question_id)
    edit = builder.remove_question(form, question, by=Actor.from_request(request))
    messages.success(
        request,
        pgettext("staff", "Question removed: “%(label)s”.") % {"label": question.label},
    )
    _said_new_version(request, edit)
    return redirect("staff_forms:build", form.public_id)


@staff_required(Can.MANAGE_FORMS)
@require_POST
def publish(request: SignedInRequest, form_id: str) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    try:
        version = builder.publish_form(form, by=Actor.from_request(request))
    except builder.PublishRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            pgettext("staff", "Version %(number)d of “%(title)s” is published: it can be sent.")
            % {"number": version.number, "title": form.title},
        )
    return redirect("staff_forms:build", form.public_id)


@staff_required(Can.MANAGE_FORMS)
@require_POST
def archive(request: SignedInRequest, form_id: str) -> HttpResponse:
    form = get_form_for_staff(request.user, request.practice, form_id)
    builder.archive_form(form, by=Actor.from_request(request), archived=not form.is_archived)
    if form.is_archived:
        messages.success(
            request,
            pgettext("staff", "“%(title)s” was archived: it can no longer be sent.")
            % {"title": form.title},
        )
    else:
        messages.success(
            request,
            pgettext("staff", "“%(title)s” is back: it can be sent again.") % {"title": form.title},
        )
    return redirect("staff_forms:build", form.public_id)


@staff_required(Can.MANAGE_FORMS)
def preview(request: SignedInRequest, form_id: str) -> HttpResponse:
    """The latest version as clients will see it (nothing can be saved from here)."""
    form = get_form_for_staff(request.user, request.practice, form_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    version = latest_version(form)
    answers_form = AnswersForm(questions=questions_of(version))
    context = {"nav": "forms", "the_form": form, "version": version, "items": answers_form.items()}
    return render(request, "intake/staff/preview.html", context)
