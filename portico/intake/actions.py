"""Writes about clients' forms: giving and sending them, drafts, submission, reopening.

The portal side takes the ``PortalAccess`` the person acts through (re-checked by
the portal on every request), so a draft or a submission records who wrote it,
and the answers always stay with the client's copy, whoever typed them.

A submission is one conditional update on the copy's status: of two submits at
once (a double click, two tabs) exactly one changes the row and is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import pgettext

from portico.access.models import PortalAccess
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.record import Entry, record, record_many
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.intake.emails import queue_form_waiting
from portico.intake.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Form,
    FormVersion,
    Question,
    QuestionKind,
)
from portico.portal.features import feature_on
from portico.practices.models import PortalFeature

# Reading the same answers again within this window is not recorded again.
VIEW_WINDOW = timedelta(minutes=5)


def _form_details(form: Form, version: FormVersion | None = None, **more: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"form": form.title, "form_id": str(form.public_id)}
    if version is not None:
        details["version"] = version.number
    details.update(more)
    return details


@transaction.atomic
def assign_intake_set(client: Client, *, by: Actor) -> list[Assignment]:
    """Give a new client the practice's intake set (if the practice wants it): no email.

    The portal invitation leads the client to these forms after registration.
    Called once, where clients are created (``portico.clients.actions.add_client``).
    """
    practice = client.practice
    if not practice.intake_auto_assign or not feature_on(practice, PortalFeature.FORMS):
        return []
    forms = list(
        Form.objects.filter(
            practice=practice,
            in_intake_set=True,
            archived_at=None,
            current_version__isnull=False,
        )
        .select_related("current_version")
        .order_by("intake_order", "title", "id")
    )
    if not forms:
        return []
    now = timezone.now()
    assignments = Assignment.objects.bulk_create(
        Assignment(
            practice=practice,
            client=client,
            form=form,
            version=form.current_version,
            created_at=now,
        )
        for form in forms
    )
    record_many(
        Action.FORM_SENT,
        practice=practice,
        actor=by,
        entries=[Entry(client, _form_details(f, f.current_version, automatic=True)) for f in forms],
    )
    return assignments


class FormRefused(Exception):
    """A form cannot be sent; the message says why, in a plain sentence."""


@dataclass(frozen=True)
class SentForm:
    assignment: Assignment
    emailed: list[str]


@transaction.atomic
def send_form(client: Client, form: Form, *, by: Actor) -> SentForm:
    practice = client.practice
    if not feature_on(practice, PortalFeature.FORMS):
        raise FormRefused(
            pgettext(
                "staff",
                "Forms are turned off for the portal, so clients cannot fill them in. "
                "An owner or administrator can turn them on in Practice settings.",
            )
        )
    if client.is_archived:
        raise FormRefused(
            pgettext("staff", "%(name)s is archived: bring them back to send a form.")
            % {"name": client.full_name}
        )
    version = form.current_version
    if form.is_archived or version is None:
        raise FormRefused(
            pgettext("staff", "“%(title)s” is not published, so it cannot be sent.")
            % {"title": form.title}
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                practice=practice,
                client=client,
                form=form,
                version=version,
                sent_by=by.user,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise FormRefused(
            pgettext("staff", "%(name)s already has “%(title)s” to fill in.")
            % {"name": client.greeting_name, "title": form.title}
        ) from None
    emailed = queue_form_waiting(client, form)
    record(
        Action.FORM_SENT,
        practice=practice,
        actor=by,
        client=client,
        details=_form_details(form, version, emailed=", ".join(emailed)),
    )
    return SentForm(assignment, emailed)


def _start_version(version: FormVersion, at: Any) -> None:
    """Freeze the version (first answers on it); waits for a builder edit in progress."""
    FormVersion.objects.filter(pk=version.pk, started_at=None).update(started_at=at)


@transaction.atomic
def save_draft(
    assignment: Assignment, *, access: PortalAccess, by: Actor, answers: dict[str, Any]
) -> bool:
    """Keep the answers so far (on the server: another device can go on). False: already
    submitted, nothing changed."""
    now = timezone.now()
    _start_version(assignment.version, now)
    saved = Assignment.objects.filter(pk=assignment.pk, status__in=OPEN_STATUSES).update(
        answers=answers,
        status=Case(
            When(status=AssignmentStatus.TO_DO, then=Value(AssignmentStatus.DRAFT)),
            default=F("status"),
        ),
        last_saved_at=now,
        last_saved_by=access,
    )
    return saved == 1


def _who(access: PortalAccess) -> str:
    contact = access.contact
    if contact is None:
        return "the client"
    return f"{contact.full_name} ({contact.get_relationship_display().lower()})"


def stamp_signatures(
    questions: list[Question], answers: dict[str, Any], *, by: Actor, at: Any
) -> dict[str, Any]:
    """Signatures get the time and IP of the submission that makes them count."""
    stamped = dict(answers)
    for question in questions:
        key = str(question.pk)
        if question.kind == QuestionKind.SIGNATURE and isinstance(stamped.get(key), dict):
            stamped[key] = {**stamped[key], "signed_at": at.isoformat(), "ip": by.ip or ""}
    return stamped


@transaction.atomic
def submit_form(
    assignment: Assignment,
    *,
    access: PortalAccess,
    by: Actor,
    questions: list[Question],
    answers: dict[str, Any],
) -> bool:
    """Record the submission: True for the one call that did it, False if already submitted."""
    now = timezone.now()
    _start_version(assignment.version, now)
    done = Assignment.objects.filter(pk=assignment.pk, status__in=OPEN_STATUSES).update(
        answers=stamp_signatures(questions, answers, by=by, at=now),
        status=AssignmentStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=access,
        submitted_by_user=access.user,
        last_saved_at=now,
        last_saved_by=access,
    )
    if done != 1:
        return False
    record(
        Action.FORM_SUBMITTED,
        practice=assignment.client.practice,
        actor=by,
        client=assignment.client,
        details=_form_details(
            assignment.form,
            assignment.version,
            by=_who(access),
            contact_id=str(access.contact.public_id) if access.contact else None,
        ),
    )
    return True


class ReopenRefused(Exception):
    pass


@transaction.atomic
def reopen_form(assignment: Assignment, *, by: Actor, note: str) -> Assignment:
    """Send a submitted form back for correction: the client sees it again, with ``note``."""
    now = timezone.now()
    reopened = Assignment.objects.filter(
        pk=assignment.pk, status=AssignmentStatus.SUBMITTED
    ).update(
        status=AssignmentStatus.REOPENED,
        reopened_at=now,
        reopened_by=by.user,
        reopen_note=note.strip(),
    )
    if reopened != 1:
        raise ReopenRefused(pgettext("staff", "Only a submitted form can be reopened."))
    assignment.refresh_from_db()
    record(
        Action.FORM_REOPENED,
        practice=assignment.client.practice,
        actor=by,
        client=assignment.client,
        details=_form_details(assignment.form, assignment.version),
    )
    return assignment


def record_answers_viewed(assignment: Assignment, *, by: Actor) -> AuditEvent | None:
    """Staff read a client's answers: recorded once per person and copy per window."""
    client = assignment.client
    details = _form_details(assignment.form, assignment.version, copy=str(assignment.public_id))
    if by.user is not None:
        recent = AuditEvent.objects.filter(
            practice_id=client.practice_id,
            actor=by.user,
            action=Action.FORM_ANSWERS_VIEWED,
            client=client,
            at__gt=timezone.now() - VIEW_WINDOW,
        ).values_list("details", flat=True)
        if any(seen == details for seen in recent[:50]):
            return None
    return record(
        Action.FORM_ANSWERS_VIEWED,
        practice=client.practice,
        actor=by,
        client=client,
        details=details,
    )
