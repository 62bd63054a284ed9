"""Reads for forms: scoped lookups (404 outside the practice or the client) and lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Max
from django.http import Http404

from portico.accounts.models import User
from portico.clients.models import Client
from portico.intake.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Form,
    FormVersion,
    Question,
)
from portico.practices.models import Practice
from portico.practices.roles import Can, staff_can


def get_form_for_staff(user: User | AnonymousUser, practice: Practice, form_id: Any) -> Form:
    if not staff_can(user, practice, Can.MANAGE_FORMS):
        raise Http404("No such form.")
    form = Form.objects.filter(practice=practice, public_id=form_id).first()
    if form is None:
        raise Http404("No such form.")
    return form


def latest_version(form: Form) -> FormVersion:
    """The version the builder shows and edits (a draft, or the published one)."""
    version = FormVersion.objects.filter(form=form).order_by("-number").first()
    if version is None:
        raise Http404("No such form.")
    return version


def get_question(version: FormVersion, question_id: Any) -> Question:
    question = Question.objects.filter(version=version, pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    return question


def questions_of(version: FormVersion) -> list[Question]:
    return list(version.questions.order_by("position", "id"))


@dataclass(frozen=True)
class FormRow:
    form: Form
    latest_number: int
    published_number: int | None
    question_count: int
    has_draft: bool


def practice_forms(practice: Practice) -> list[FormRow]:
    """Every form of the practice, intake set first, in two queries however many."""
    forms = list(
        Form.objects.filter(practice=practice)
        .select_related("current_version")
        .annotate(latest=Max("versions__number"))
        .order_by(
            F("archived_at").asc(nulls_first=True), "-in_intake_set", "intake_order", "title", "id"
        )
    )
    counts = {
        (row["version__form_id"], row["version__number"]): row["n"]
        for row in Question.objects.filter(version__form__practice=practice)
        .values("version__form_id", "version__number")
        .annotate(n=Count("id"))
    }
    rows = []
    for form in forms:
        latest = int(form.latest or 1)
        published = form.current_version.number if form.current_version else None
        rows.append(
            FormRow(
                form=form,
                latest_number=latest,
                published_number=published,
                question_count=counts.get((form.pk, latest), 0),
                has_draft=published != latest,
            )
        )
    return rows


def sendable_forms(practice: Practice) -> list[Form]:
    return list(
        Form.objects.filter(
            practice=practice, archived_at=None, current_version__isnull=False
        ).order_by("title", "id")
    )


def client_assignments(client: Client) -> list[Assignment]:
    """The client's forms, open ones first, newest first, with what the list shows."""
    return list(
        Assignment.objects.filter(practice_id=client.practice_id, client=client)
        .select_related(
            "form", "version", "sent_by", "submitted_by__contact", "last_saved_by__contact"
        )
        .order_by("-created_at", "-id")
    )


def get_assignment(client: Client, assignment_id: Any) -> Assignment:
    """One of ``client``'s forms (already a scoped client); 404 otherwise."""
    assignment = (
        Assignment.objects.filter(
            practice_id=client.practice_id, client=client, public_id=assignment_id
        )
        .select_related("form", "version", "submitted_by__contact", "submitted_by_user")
        .first()
    )
    if assignment is None:
        raise Http404("No such form.")
    return assignment


@dataclass(frozen=True)
class PortalForms:
    to_do: list[Assignment]
    in_progress: list[Assignment]
    done: list[Assignment]


def portal_forms(client: Client) -> PortalForms:
    rows = list(
        Assignment.objects.filter(practice_id=client.practice_id, client=client)
        .select_related("form", "version")
        .order_by("created_at", "form__intake_order", "id")
    )
    return PortalForms(
        to_do=[a for a in rows if a.status == AssignmentStatus.TO_DO],
        in_progress=[
            a for a in rows if a.status in (AssignmentStatus.DRAFT, AssignmentStatus.REOPENED)
        ],
        done=sorted(
            (a for a in rows if a.status == AssignmentStatus.SUBMITTED),
            key=lambda a: a.submitted_at or a.created_at,
            reverse=True,
        ),
    )


def outstanding(client: Client) -> list[Any]:
    """The public ids of the client's forms still to be submitted, in the order to do them."""
    return list(
        Assignment.objects.filter(
            practice_id=client.practice_id, client=client, status__in=OPEN_STATUSES
        )
        .order_by("created_at", "form__intake_order", "id")
        .values_list("public_id", flat=True)
    )
