"""No email of any kind carries a form's answers, a message's text or a sensitive form title.

Every kind is rendered with what a careless caller could hand the renderer, next to
real answers submitted through the portal and a message body: the default template
and a practice's own template using every placeholder it may use.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.models import Client
from portico.intake import actions
from portico.intake.emails import form_email_context
from portico.intake.models import Assignment, Form, QuestionKind
from portico.mail.actions import save_template_override
from portico.mail.models import EmailKind, OutboundEmail
from portico.mail.placeholders import AVAILABLE
from portico.mail.rendering import RenderedEmail, render_email
from portico.practices.models import Practice
from tests.cast import by
from tests.intake.helpers import (
    about_you,
    fill_url,
    full_answers,
    portal_http,
    portal_user_for,
    questions,
)

SENSITIVE_TITLE = "Substance use screening"
MESSAGE_BODY = "My panic attacks came back after the move"
ANSWERS: dict[str, str] = {
    QuestionKind.SHORT_TEXT: "Casimir",
    QuestionKind.LONG_TEXT: "Nightmares about the accident every week",
    QuestionKind.NUMBER: "4.25",
}


@pytest.fixture
def submitted(maple: Practice, owner: User, casey: Client) -> Assignment:
    form = about_you(maple, owner, title=SENSITIVE_TITLE, sensitive=True)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    data = full_answers(form)
    for question in questions(form):
        if question.kind in ANSWERS:
            data[f"q{question.pk}"] = ANSWERS[question.kind]
    response = http.post(fill_url(maple, assignment), {**data, "action": "submit"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.answers  # real answers, stored
    return assignment


def _secrets(assignment: Assignment) -> list[str]:
    return [*ANSWERS.values(), MESSAGE_BODY, SENSITIVE_TITLE, "Substance"]


def _caller_context(assignment: Assignment) -> dict[str, Any]:
    """What a caller could pass: the allowed values, and records that must be dropped."""
    form: Form = assignment.form
    return {
        **form_email_context(form, "Casey"),
        "link_expires": timezone.now(),
        "username": "casey",
        "answers": assignment.answers,
        "answer": ANSWERS[QuestionKind.LONG_TEXT],
        "message": MESSAGE_BODY,
        "message_text": MESSAGE_BODY,
        "body": MESSAGE_BODY,
        "text": MESSAGE_BODY,
        "preview": MESSAGE_BODY,
        "title": form.title,
        "form": form,
        "assignment": assignment,
        "client": assignment.client,
    }


def _assert_clean(rendered: RenderedEmail, assignment: Assignment, kind: str) -> None:
    for part in (rendered.subject, rendered.text, rendered.html):
        for secret in _secrets(assignment):
            assert secret not in part, f"{kind}: {secret!r} leaked into an email"


@pytest.mark.parametrize("kind", list(EmailKind))
def test_the_default_email_of_every_kind_shows_none_of_it(
    maple: Practice, submitted: Assignment, kind: EmailKind
) -> None:
    rendered = render_email(maple, kind, _caller_context(submitted))
    _assert_clean(rendered, submitted, kind)


@pytest.mark.parametrize("kind", [k for k in EmailKind if k != EmailKind.TEST])
def test_a_practice_template_with_every_placeholder_shows_none_of_it(
    maple: Practice, owner: User, submitted: Assignment, kind: EmailKind
) -> None:
    everything = " ".join("{{ %s }}" % name for name in AVAILABLE[kind])  # noqa: UP031
    subject = everything if len(everything) <= 200 else "{{ practice_name }}"  # 200 at most
    save_template_override(maple, kind=kind, subject=subject, body_text=everything, by=by(owner))
    rendered = render_email(maple, kind, _caller_context(submitted))
    _assert_clean(rendered, submitted, kind)


def test_the_form_waiting_email_actually_queued_shows_none_of_it(
    maple: Practice, owner: User, submitted: Assignment
) -> None:
    again = actions.send_form(submitted.client, submitted.form, by=by(owner))
    assert again.emailed == ["casey@example.com"]
    (email,) = OutboundEmail.objects.filter(kind=EmailKind.FORM_WAITING)
    _assert_clean(
        RenderedEmail(email.subject, email.text_body, email.html_body), submitted, "queued"
    )
    assert "has a form for you" in email.subject


def test_a_title_not_marked_sensitive_is_shown(maple: Practice, owner: User) -> None:
    form = about_you(maple, owner, title="About you")
    rendered = render_email(maple, EmailKind.FORM_WAITING, form_email_context(form, "Casey"))
    assert "About you" in rendered.text
    assert "About you" in rendered.html


def test_a_practice_can_edit_the_form_waiting_email_and_must_keep_the_link(
    maple: Practice, owner_http: Any
) -> None:
    url = f"/p/{maple.slug}/staff/email/templates/{EmailKind.FORM_WAITING}/"
    page = owner_http.get(url).content.decode()
    assert "{{ form_title }}" in page
    refused = owner_http.post(
        url, {"subject": "A form", "body_text": "Hello {{ greeting_name }}", "action": "save"}
    )
    assert "must contain {{ link }}" in refused.content.decode()
