"""No health information in any email: greeting name and practice name only.

Every kind is rendered (defaults, and an override using every allowed
placeholder) with a context that also holds a date of birth, a note and an
appointment; none of them may appear in the subject, the text or the HTML.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portico.mail.models import EmailKind, EmailTemplateOverride
from portico.mail.placeholders import AVAILABLE, check_template
from portico.mail.rendering import RenderedEmail, render_email
from portico.practices.models import Practice

TRAPS = {
    "date_of_birth": "1990-04-12",
    "client_dob": "1990-04-12",
    "dob": "04/12/1990",
    "notes": "Diagnosis: anxiety",
    "note": "Diagnosis: anxiety",
    "diagnosis": "Diagnosis: anxiety",
    "appointment": "Tue 3pm with Dr X",
    "next_appointment": "Tue 3pm with Dr X",
}
TRAP_TEXTS = ["1990", "04/12", "Diagnosis", "anxiety", "Tue 3pm", "Dr X"]


def _context() -> dict[str, object]:
    return {
        "greeting_name": "Casey",
        "practice_name": "ignored: the practice's own name is used",
        "link": "https://maple.example/p/maple/accept/abc",
        "link_expires": timezone.now() + timedelta(hours=48),
        "username": "casey",
        **TRAPS,
    }


def _assert_clean(rendered: RenderedEmail) -> None:
    for part in (rendered.subject, rendered.text, rendered.html):
        for trap in TRAP_TEXTS:
            assert trap not in part


@pytest.mark.parametrize("kind", list(EmailKind))
def test_no_default_email_can_show_a_date_of_birth_a_note_or_an_appointment(
    maple: Practice, kind: EmailKind
) -> None:
    rendered = render_email(maple, kind, _context())
    _assert_clean(rendered)
    assert "Maple Counseling" in rendered.text


@pytest.mark.parametrize("kind", list(EmailKind))
def test_no_override_can_show_them_even_using_every_placeholder(
    maple: Practice, kind: EmailKind
) -> None:
    placeholders = ["{{ %s }}" % name for name in AVAILABLE[kind]]  # noqa: UP031
    every = " ".join(placeholders)
    assert check_template(every, kind, require_link=True) == []
    # As many as a subject holds (200 characters, like the editor allows); the body has all.
    subject = ""
    for placeholder in placeholders:
        if len(subject) + len(placeholder) + 1 > 200:
            break
        subject = f"{subject} {placeholder}".strip()
    EmailTemplateOverride.objects.create(
        practice=maple, kind=kind, subject=subject, body_text=every, updated_at=timezone.now()
    )
    rendered = render_email(maple, kind, _context())
    _assert_clean(rendered)
    assert "Casey" in rendered.text


@pytest.mark.parametrize(
    "placeholder",
    ["client_dob", "date_of_birth", "notes", "appointment", "client.date_of_birth"],
)
@pytest.mark.parametrize("kind", list(EmailKind))
def test_health_placeholders_are_refused_in_every_kind(kind: EmailKind, placeholder: str) -> None:
    problems = check_template("Hi {{ %s }} {{ link }}" % placeholder, kind)  # noqa: UP031
    assert len(problems) == 1
    assert problems[0].line == 1 and problems[0].column == 4
    assert "is not a placeholder you can use" in problems[0].message
