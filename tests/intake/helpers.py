"""Forms for tests, built with the builder's own actions."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.clients.models import Client
from portico.intake import builder
from portico.intake.models import Form, Question, QuestionKind
from portico.practices.models import Practice
from tests.cast import at, by, register_new

ABOUT_YOU = "About you"


def about_you(practice: Practice, owner: User, **settings: Any) -> Form:
    """A published form with one question of every kind."""
    form = builder.create_form(
        practice,
        by=by(owner),
        title=settings.pop("title", ABOUT_YOU),
        instructions="Tell us a little about yourself.",
        **settings,
    )
    actor = by(owner)
    builder.add_question(form, by=actor, kind=QuestionKind.SHORT_TEXT, label="Preferred name")
    builder.add_question(form, by=actor, kind=QuestionKind.LONG_TEXT, label="What brings you here?")
    builder.add_question(
        form,
        by=actor,
        kind=QuestionKind.SINGLE_CHOICE,
        label="How did you hear about us?",
        choices=["A friend", "A search", "My doctor"],
    )
    builder.add_question(
        form,
        by=actor,
        kind=QuestionKind.MULTIPLE_CHOICE,
        label="Best times",
        choices=["Mornings", "Afternoons", "Evenings"],
        required=False,
    )
    builder.add_question(form, by=actor, kind=QuestionKind.DATE, label="Date of first symptoms")
    builder.add_question(form, by=actor, kind=QuestionKind.YES_NO, label="Seen a therapist before?")
    builder.add_question(
        form, by=actor, kind=QuestionKind.NUMBER, label="Hours of sleep", required=False
    )
    builder.add_question(form, by=actor, kind=QuestionKind.SIGNATURE, label="Signature")
    builder.publish_form(form, by=actor)
    form.refresh_from_db()
    return form


def consent(practice: Practice, owner: User, **settings: Any) -> Form:
    form = builder.create_form(
        practice,
        by=by(owner),
        title=settings.pop("title", "Consent for services"),
        instructions="I agree to receive services from the practice.",
        **settings,
    )
    builder.add_question(form, by=by(owner), kind=QuestionKind.SIGNATURE, label="Signature")
    builder.publish_form(form, by=by(owner))
    form.refresh_from_db()
    return form


def questions(form: Form) -> list[Question]:
    assert form.current_version is not None
    return list(form.current_version.questions.order_by("position"))


def full_answers(form: Form, **overrides: str | list[str]) -> dict[str, Any]:
    """POST data answering every question of ``about_you`` (or ``consent``)."""
    data: dict[str, Any] = {}
    samples: dict[str, Any] = {
        QuestionKind.SHORT_TEXT: "Casey",
        QuestionKind.LONG_TEXT: "Trouble sleeping since the spring.",
        QuestionKind.SINGLE_CHOICE: "A friend",
        QuestionKind.MULTIPLE_CHOICE: ["Mornings", "Evenings"],
        QuestionKind.DATE: "03/15/2026",
        QuestionKind.YES_NO: "no",
        QuestionKind.NUMBER: "6.5",
    }
    for question in questions(form):
        name = f"q{question.pk}"
        if question.kind == QuestionKind.SIGNATURE:
            data[f"{name}_name"] = "Casey Client"
            data[f"{name}_agree"] = "on"
        else:
            data[name] = samples[question.kind]
    data.update(overrides)
    return data


def portal_user_for(client: Client, owner: User, username: str = "casey") -> User:
    """The client's own registered portal account."""
    return register_new(send_invite(client, by=by(owner)).link, username=username)


def portal_http(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def fill_url(practice: Practice, assignment: Any) -> str:
    return at(practice, "portal_forms:fill", assignment.public_id)
