"""Writes about email that staff make: their practice's templates and test emails."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.mail.models import EmailKind, EmailTemplateOverride, OutboundEmail
from portico.mail.outbox import queue_email
from portico.mail.placeholders import TemplateProblem, check_template
from portico.mail.rendering import preview_email
from portico.practices.models import Practice


class InvalidTemplate(ValueError):  # noqa: N818 (reads better at the call site)
    """A template that cannot be saved; ``problems`` maps "subject"/"body_text" to what is wrong."""

    def __init__(self, problems: dict[str, list[TemplateProblem]]) -> None:
        super().__init__("; ".join(str(p) for found in problems.values() for p in found))
        self.problems = problems


def template_problems(
    kind: str, *, subject: str, body_text: str
) -> dict[str, list[TemplateProblem]]:
    """Everything wrong with a subject and body for ``kind`` (empty when they can be saved)."""
    problems = {
        "subject": check_template(subject, kind),
        "body_text": check_template(body_text, kind, require_link=True),
    }
    return {field: found for field, found in problems.items() if found}


@transaction.atomic
def save_template_override(
    practice: Practice,
    *,
    kind: str,
    subject: str,
    body_text: str,
    by: Actor,
    language: str = "en",
) -> EmailTemplateOverride:
    """Save the practice's own subject and body for ``kind`` in ``language`` (the emails
    to people who read that language; the other languages keep their own text).

    Raises InvalidTemplate (with where and why) and saves nothing when they are not valid.
    """
    subject = " ".join(subject.split())
    body_text = body_text.replace("\r\n", "\n").strip() + "\n"
    problems = template_problems(kind, subject=subject, body_text=body_text)
    if problems:
        raise InvalidTemplate(problems)
    override, created = EmailTemplateOverride.objects.update_or_create(
        practice=practice,
        kind=kind,
        language=language,
        defaults={
            "subject": subject,
            "body_text": body_text,
            "updated_at": timezone.now(),
            "updated_by": by.user,
        },
    )
    record(
        Action.MAIL_TEMPLATE_CHANGED,
        practice=practice,
        actor=by,
        details={
            "kind": kind,
            "change": "customised" if created else "edited",
            "language": language,
        },
    )
    return override


@transaction.atomic
def reset_template_override(
    practice: Practice, *, kind: str, by: Actor, language: str = "en"
) -> bool:
    """Go back to Portico's default for ``kind`` in ``language``. False if the practice had
    not customised it in that language."""
    deleted, _ = EmailTemplateOverride.objects.filter(
        practice=practice, kind=kind, language=language
    ).delete()
    if deleted:
        record(
            Action.MAIL_TEMPLATE_CHANGED,
            practice=practice,
            actor=by,
            details={"kind": kind, "change": "restored default", "language": language},
        )
    return bool(deleted)


@transaction.atomic
def send_test_email(
    practice: Practice, *, kind: str, to: str, by: Actor, language: str = "en"
) -> OutboundEmail:
    """Queue ``kind`` as the practice sends it now, filled with sample values, to ``to``.

    It goes through the outbox like any email (kind "test"), so it also shows
    whether email reaches the staff member at all. The sample link leads nowhere.
    """
    rendered = preview_email(practice, kind, language=language)
    subject = pgettext("staff", "Test: %(subject)s") % {"subject": rendered.subject}
    rendered = replace(rendered, subject=subject[:300])
    email = queue_email(
        practice=practice, kind=EmailKind.TEST, to=to, context={}, rendered=rendered
    )
    record(
        Action.MAIL_TEST_SENT,
        practice=practice,
        actor=by,
        details={"kind": kind, "email": email.message_id, "language": language},
    )
    return email
