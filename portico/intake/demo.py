"""Demo forms (for seed_demo): the practice's intake set of two, given to some demo clients.

- "About you" (every kind of question, a signature last) and "Consent for services",
  both published and in the intake set, so every client added from now on gets them.
- The active demo client has both to do, with a draft saved on "About you".
- The invited client has both waiting: the invitation leads there after registration.
- The demo parent has the consent form of each child; the older child's is submitted
  (by the parent), so staff can read answers and reopen it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portico.access.queries import own_access, working_accesses
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.intake import actions, builder
from portico.intake.models import OPEN_STATUSES, Assignment, Form, QuestionKind
from portico.intake.queries import questions_of
from portico.practices.models import Practice

CONSENT_TEXT = (
    "By signing, I consent to receive counseling services from {practice}. I understand "
    "that what I share is kept confidential, except where the law requires otherwise "
    "(for example, a risk of serious harm). I may stop services at any time."
)


def _about_you(practice: Practice, by: Actor) -> Form:
    form = builder.create_form(
        practice,
        by=by,
        title="About you",
        instructions="A few questions before your first session. It takes about 5 minutes.",
        in_intake_set=True,
        intake_order=1,
    )
    questions: list[dict[str, Any]] = [
        {"kind": QuestionKind.SHORT_TEXT, "label": "Pronouns", "required": False},
        {
            "kind": QuestionKind.LONG_TEXT,
            "label": "What brings you to counseling?",
            "help_text": "A few sentences is plenty.",
        },
        {
            "kind": QuestionKind.SINGLE_CHOICE,
            "label": "How did you hear about us?",
            "choices": ["A friend or family member", "My doctor", "An online search", "Other"],
        },
        {
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "label": "Which times suit you for sessions?",
            "choices": ["Weekday mornings", "Weekday afternoons", "Weekday evenings"],
            "required": False,
        },
        {"kind": QuestionKind.YES_NO, "label": "Have you seen a counselor before?"},
        {
            "kind": QuestionKind.DATE,
            "label": "When did these concerns start (roughly)?",
            "required": False,
        },
        {
            "kind": QuestionKind.NUMBER,
            "label": "On a typical night, how many hours do you sleep?",
            "required": False,
        },
        {"kind": QuestionKind.SIGNATURE, "label": "Signature"},
    ]
    for question in questions:
        builder.add_question(form, by=by, **question)
    builder.publish_form(form, by=by)
    form.refresh_from_db()
    return form


def _consent(practice: Practice, by: Actor) -> Form:
    form = builder.create_form(
        practice,
        by=by,
        title="Consent for services",
        instructions=CONSENT_TEXT.format(practice=practice.name),
        in_intake_set=True,
        intake_order=2,
    )
    builder.add_question(
        form, by=by, kind=QuestionKind.YES_NO, label="May we leave voicemail messages for you?"
    )
    builder.add_question(form, by=by, kind=QuestionKind.SIGNATURE, label="Signature")
    builder.publish_form(form, by=by)
    form.refresh_from_db()
    return form


def _give(client: Client, form: Form, by: Actor) -> Assignment:
    """The client's open copy of ``form``: the one they have, or a new one."""
    open_copy = Assignment.objects.filter(
        client=client, form=form, status__in=OPEN_STATUSES
    ).first()
    if open_copy is not None:
        return open_copy
    return actions.send_form(client, form, by=by).assignment


def _answers(form: Form, values: dict[str, Any]) -> dict[str, Any]:
    """Answers keyed by question id, from {question label: value}."""
    version = form.current_version
    if version is None:
        return {}
    return {str(q.pk): values[q.label] for q in questions_of(version) if q.label in values}


@transaction.atomic
def seed_forms_demo(
    practice: Practice, owner: User, clients: dict[str, Client], family_parent: User
) -> list[Form]:
    by = Actor.for_user(owner)
    about, consent = _about_you(practice, by), _consent(practice, by)

    active = clients.get("active")
    if active is not None:
        _give(active, consent, by)
        draft = _give(active, about, by)
        access = own_access(active)
        if access is not None and access.user is not None:
            actions.save_draft(
                draft,
                access=access,
                by=Actor.for_user(access.user),
                answers=_answers(
                    about,
                    {
                        "Pronouns": "they/them",
                        "How did you hear about us?": "My doctor",
                        "Have you seen a counselor before?": "no",
                    },
                ),
            )
    invited = clients.get("invited")
    if invited is not None:
        _give(invited, about, by)
        _give(invited, consent, by)

    grants = sorted(working_accesses(family_parent), key=lambda a: a.client.date_of_birth)
    for index, grant in enumerate(grants):
        copy = _give(grant.client, consent, by)
        if index == 0:  # the older child's, submitted by the parent
            parent = Actor.for_user(family_parent)
            actions.submit_form(
                copy,
                access=grant,
                by=parent,
                questions=questions_of(copy.version),
                answers=_answers(
                    consent,
                    {
                        "May we leave voicemail messages for you?": "yes",
                        "Signature": {"full_name": family_parent.full_name, "agreed": True},
                    },
                ),
            )
    return [about, consent]
