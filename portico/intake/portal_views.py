"""The portal's forms: the list, and one form to fill in (save a draft, or submit).

Every page acts for ``request.acting.grant.client`` through the access row the
decorator re-checks on each request; a form of another client is a 404. No
JavaScript: "Save draft" and "Submit" are two buttons of one form.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from portico.access.models import PortalAccess
from portico.audit.actor import Actor
from portico.intake import actions
from portico.intake.answers import AnswersForm, initial_from, shown_answers
from portico.intake.models import Assignment, AssignmentStatus
from portico.intake.queries import get_assignment, outstanding, portal_forms, questions_of
from portico.lib.localtime import short_day_and_time
from portico.portal.decorators import acting_for_required
from portico.practices.http import SignedInRequest


def _grant(request: SignedInRequest) -> PortalAccess:
    return cast(PortalAccess, request.acting.grant)  # type: ignore[attr-defined]


@require_GET
@acting_for_required
def form_list(request: SignedInRequest) -> HttpResponse:
    client = _grant(request).client
    return render(
        request, "intake/portal/list.html", {"forms": portal_forms(client), "client": client}
    )


def _done_page(request: SignedInRequest, assignment: Assignment) -> HttpResponse:
    questions = questions_of(assignment.version)
    context = {"assignment": assignment, "shown": shown_answers(questions, assignment.answers)}
    return render(request, "intake/portal/done.html", context)


@require_http_methods(["GET", "POST"])
@acting_for_required
def fill(request: SignedInRequest, assignment_id: str) -> HttpResponse:
    grant = _grant(request)
    assignment = get_assignment(grant.client, assignment_id)
    if assignment.status == AssignmentStatus.SUBMITTED:
        if request.method == "POST":
            _already_submitted(request, assignment)
        return _done_page(request, assignment)
    questions = questions_of(assignment.version)
    if request.method == "GET":
        answers_form = AnswersForm(
            questions=questions, initial=initial_from(questions, assignment.answers)
        )
        return _fill_page(request, assignment, answers_form)
    submitting = request.POST.get("action") == "submit"
    answers_form = AnswersForm(request.POST, questions=questions, draft=not submitting)
    if not answers_form.is_valid():
        messages.error(
            request,
            gettext(
                "Some answers need a change (marked below). Nothing was sent yet; "
                "what you typed is still here."
            )
            if submitting
            else gettext(
                "Some answers need a change (marked below). Nothing was saved yet; "
                "what you typed is still here."
            ),
        )
        return _fill_page(request, assignment, answers_form)
    by = Actor.from_request(request)
    if not submitting:
        if actions.save_draft(assignment, access=grant, by=by, answers=answers_form.answers()):
            messages.success(
                request,
                gettext(
                    "Your answers are saved. You can come back to finish, "
                    "on this device or another."
                ),
            )
        else:
            _already_submitted(request, assignment)
        return redirect("portal_forms:fill", assignment.public_id)
    recorded = actions.submit_form(
        assignment, access=grant, by=by, questions=questions, answers=answers_form.answers()
    )
    if not recorded:
        _already_submitted(request, assignment)
        return redirect("portal_forms:fill", assignment.public_id)
    return _after_submit(request, assignment)


def _after_submit(request: SignedInRequest, assignment: Assignment) -> HttpResponse:
    sent = {"title": assignment.form.title, "practice": request.practice.name}
    remaining = outstanding(assignment.client)
    if remaining:
        left = len(remaining)
        messages.success(
            request,
            ngettext(
                "Thank you: “%(title)s” was sent to %(practice)s. %(count)d more form to go.",
                "Thank you: “%(title)s” was sent to %(practice)s. %(count)d more forms to go.",
                left,
            )
            % {**sent, "count": left},
        )
        return redirect("portal_forms:fill", remaining[0])
    messages.success(
        request,
        gettext(
            "Thank you: “%(title)s” was sent to %(practice)s. You have no more forms to fill in."
        )
        % sent,
    )
    return redirect("portal_forms:list")


def _already_submitted(request: SignedInRequest, assignment: Assignment) -> None:
    assignment.refresh_from_db()
    when = (
        short_day_and_time(request.practice, assignment.submitted_at)
        if assignment.submitted_at
        else ""
    )
    messages.info(
        request,
        gettext("This form was already submitted (%(when)s); it was recorded once.")
        % {"when": when}
        if when
        else gettext("This form was already submitted; it was recorded once."),
    )


def _fill_page(
    request: SignedInRequest, assignment: Assignment, answers_form: AnswersForm
) -> HttpResponse:
    context = {
        "assignment": assignment,
        "answers_form": answers_form,
        "items": answers_form.items(),
        "last_saved": (
            short_day_and_time(request.practice, assignment.last_saved_at)
            if assignment.last_saved_at
            else ""
        ),
    }
    return render(request, "intake/portal/fill.html", context)
