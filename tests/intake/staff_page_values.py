"""One object of each kind this feature's staff URLs name, for tests/staff_pages.py."""

from __future__ import annotations

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.intake import actions, builder
from portico.intake.models import QuestionKind


def build(client: Client, *, staff_member: User, by: User) -> dict[str, str]:
    """A published form with a question, sent to ``client``."""
    actor = Actor.for_user(by)
    form = builder.create_form(client.practice, by=actor, title="Walk-through form")
    question = builder.add_question(
        form, by=actor, kind=QuestionKind.SHORT_TEXT, label="Your name"
    ).question
    assert question is not None
    builder.publish_form(form, by=actor)
    form.refresh_from_db()
    assignment = actions.send_form(client, form, by=actor).assignment
    return {
        "form_id": str(form.public_id),
        "question_id": str(question.pk),
        "assignment_id": str(assignment.public_id),
    }
