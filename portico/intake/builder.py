"""Writes of the form builder (owners and admins): forms, their questions, publishing.

Edits go to the form's latest version while no client has started it. Once one has
(``FormVersion.started_at``), that version is frozen: the first edit copies it into
a new draft version and is made there, and the result says so. The form's row is
locked for each edit (one builder write at a time per form), and the version's row
too, so a client starting the version at that moment waits for the edit or comes
first and makes it copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import pgettext

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.intake.models import (
    CHOICE_KINDS,
    AssignmentStatus,
    Form,
    FormVersion,
    Question,
    QuestionKind,
)
from portico.practices.models import Practice


@dataclass(frozen=True)
class Edit:
    version: FormVersion  # where the edit was made
    new_version: bool  # True: the previous version was frozen, this draft was made for the edit
    question: Question | None = None


@transaction.atomic
def create_form(
    practice: Practice,
    *,
    by: Actor,
    title: str,
    instructions: str = "",
    sensitive: bool = False,
    in_intake_set: bool = False,
    intake_order: int = 1,
) -> Form:
    """A new form with an empty draft version 1."""
    now = timezone.now()
    form = Form(
        practice=practice,
        title=title.strip(),
        sensitive=sensitive,
        in_intake_set=in_intake_set,
        intake_order=intake_order,
        created_at=now,
        created_by=by.user,
    )
    form.full_clean(exclude=["current_version"])
    form.save()
    FormVersion.objects.create(
        form=form, number=1, instructions=instructions.strip(), created_at=now
    )
    record(
        Action.FORM_CREATED,
        practice=practice,
        actor=by,
        details={"form": form.title, "form_id": str(form.public_id)},
    )
    return form


def _latest(form: Form, *, lock: bool = False) -> FormVersion:
    versions = FormVersion.objects.filter(form=form).order_by("-number")
    latest = (versions.select_for_update() if lock else versions).first()
    if latest is None:
        raise ValueError(f"Form {form.pk} has no version.")
    return latest


def _editable_version(form: Form) -> tuple[FormVersion, bool, dict[int, Question]]:
    """The version to edit, locked; a new draft copy if the latest is frozen.

    Returns (version, made a new one, {old question id: its copy}).
    """
    Form.objects.select_for_update().filter(pk=form.pk).first()
    latest = _latest(form, lock=True)
    if not latest.is_frozen:
        return latest, False, {}
    copy = FormVersion.objects.create(
        form=form,
        number=latest.number + 1,
        instructions=latest.instructions,
        created_at=timezone.now(),
    )
    copies: dict[int, Question] = {}
    for question in latest.questions.order_by("position", "id"):
        old_pk = question.pk
        question.pk = None
        question.version = copy
        question.save(force_insert=True)
        copies[old_pk] = question
    return copy, True, copies


def _changed(form: Form, edit: Edit, by: Actor, change: str) -> None:
    details: dict[str, Any] = {
        "form": form.title,
        "form_id": str(form.public_id),
        "change": change,
        "version": edit.version.number,
    }
    if edit.new_version:
        details["new_version"] = edit.version.number
    record(Action.FORM_CHANGED, practice=form.practice, actor=by, details=details)


@transaction.atomic
def change_form_settings(
    form: Form,
    *,
    by: Actor,
    title: str,
    instructions: str,
    sensitive: bool,
    in_intake_set: bool,
    intake_order: int,
) -> Edit | None:
    """Title and flags apply to the form at once; instructions belong to a version."""
    edit = Edit(_latest(form), new_version=False)
    changed = []
    if instructions.strip() != edit.version.instructions:
        v, made, _ = _editable_version(form)
        v.instructions = instructions.strip()
        v.save(update_fields=["instructions"])
        edit = Edit(v, new_version=made)
        changed.append("instructions")
    values = {
        "title": title.strip(),
        "sensitive": sensitive,
        "in_intake_set": in_intake_set,
        "intake_order": intake_order,
    }
    for name, value in values.items():
        if getattr(form, name) != value:
            setattr(form, name, value)
            changed.append(name)
    if not changed:
        return None
    form_changes = [name for name in values if name in changed]
    if form_changes:
        form.full_clean(exclude=["current_version"])
        form.save(update_fields=form_changes)
    _changed(form, edit, by, "settings: " + ", ".join(n.replace("_", " ") for n in changed))
    return edit


def _clean_choices(kind: str, choices: Sequence[str]) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if len(cleaned) < 2:
        raise ValidationError(
            {"choices": pgettext("staff", "Give at least two choices, one per line.")}
        )
    return cleaned


@transaction.atomic
def add_question(
    form: Form,
    *,
    by: Actor,
    kind: QuestionKind | str,
    label: str,
    help_text: str = "",
    required: bool = True,
    choices: Sequence[str] = (),
) -> Edit:
    version, made, _ = _editable_version(form)
    last = version.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question(
        version=version,
        position=last + 1,
        kind=kind,
        label=label.strip(),
        help_text=help_text.strip(),
        required=required,
        choices=_clean_choices(kind, choices),
    )
    question.full_clean()
    question.save()
    edit = Edit(version, made, question)
    _changed(form, edit, by, "question added")
    return edit


def _in_editable(form: Form, question: Question) -> tuple[Edit, Question]:
    """The edit's version, and ``question`` in it (its copy, when a new version was made)."""
    version, made, copies = _editable_version(form)
    if made:
        return Edit(version, True, copies[question.pk]), copies[question.pk]
    question.refresh_from_db()
    if question.version_id != version.pk:
        raise ValueError("Only questions of the form's latest version can be edited.")
    return Edit(version, False, question), question


@transaction.atomic
def change_question(
    form: Form,
    question: Question,
    *,
    by: Actor,
    kind: QuestionKind | str,
    label: str,
    help_text: str = "",
    required: bool = True,
    choices: Sequence[str] = (),
) -> Edit:
    edit, target = _in_editable(form, question)
    target.kind = kind
    target.label = label.strip()
    target.help_text = help_text.strip()
    target.required = required
    target.choices = _clean_choices(kind, choices)
    target.full_clean()
    target.save(update_fields=["kind", "label", "help_text", "required", "choices"])
    _changed(form, edit, by, "question changed")
    return edit


@transaction.atomic
def move_question(
    form: Form, question: Question, *, by: Actor, direction: Literal["up", "down"]
) -> Edit:
    edit, target = _in_editable(form, question)
    siblings = list(Question.objects.filter(version=edit.version).order_by("position", "id"))
    index = next(i for i, q in enumerate(siblings) if q.pk == target.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return edit
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    _changed(form, edit, by, f"question moved {direction}")
    return edit


@transaction.atomic
def remove_question(form: Form, question: Question, *, by: Actor) -> Edit:
    edit, target = _in_editable(form, question)
    Question.objects.filter(pk=target.pk).delete()
    Question.objects.filter(version=edit.version, position__gt=target.position).update(
        position=F("position") - 1
    )
    removed = Edit(edit.version, edit.new_version)
    _changed(form, removed, by, "question removed")
    return removed


class PublishRefused(Exception):
    pass


@transaction.atomic
def publish_form(form: Form, *, by: Actor) -> FormVersion:
    """Make the latest version the one clients get; copies not started yet move to it."""
    Form.objects.select_for_update().filter(pk=form.pk).first()
    form.refresh_from_db()
    latest = _latest(form, lock=True)
    if not latest.questions.exists():
        raise PublishRefused(
            pgettext("staff", "Add at least one question before publishing this form.")
        )
    if form.current_version_id == latest.pk:
        return latest
    latest.published_at = timezone.now()
    latest.save(update_fields=["published_at"])
    form.current_version = latest
    form.save(update_fields=["current_version"])
    # Nobody has typed anything into these: they get the new questions.
    moved = (
        form.assignments.filter(status=AssignmentStatus.TO_DO, last_saved_at=None)
        .exclude(version=latest)
        .update(version=latest)
    )
    record(
        Action.FORM_VERSION_PUBLISHED,
        practice=form.practice,
        actor=by,
        details={
            "form": form.title,
            "form_id": str(form.public_id),
            "version": latest.number,
            "copies_moved": moved,
        },
    )
    return latest


@transaction.atomic
def archive_form(form: Form, *, by: Actor, archived: bool) -> Form:
    """An archived form cannot be sent and leaves the intake set; copies already out stay."""
    if form.is_archived == archived:
        return form
    form.archived_at = timezone.now() if archived else None
    form.save(update_fields=["archived_at"])
    record(
        Action.FORM_CHANGED,
        practice=form.practice,
        actor=by,
        details={
            "form": form.title,
            "form_id": str(form.public_id),
            "change": "archived" if archived else "brought back from the archive",
        },
    )
    return form
