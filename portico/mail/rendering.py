"""Turn an email kind and a few plain values into a subject, a text part and an HTML part.

Only the names in ``ALLOWED_VALUES`` ever reach a template (defaults or a
practice's override); anything else a caller passes is dropped here, so no
template can show a date of birth, a note or an appointment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

from portico.lib.localtime import day_and_time_with_zone
from portico.mail.models import EmailTemplateOverride
from portico.mail.placeholders import AVAILABLE, render_placeholders
from portico.practices.models import Practice

ALLOWED_VALUES = (
    "greeting_name",
    "practice_name",
    "practice_phone",
    "practice_email",
    "link",
    "link_expires",
    "username",
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_values(practice: Practice, context: Mapping[str, Any]) -> dict[str, str]:
    """The plain strings a template may show: nothing else is ever passed on."""
    values = {
        "practice_name": practice.name,
        "practice_phone": practice.phone,
        "practice_email": practice.email,
    }
    for name in ALLOWED_VALUES:
        if name in values:
            continue  # the practice's own details come from the practice, never a caller
        value = context.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, datetime):
            value = day_and_time_with_zone(practice, value)
        values[name] = str(value)
    values.setdefault("greeting_name", "there")
    values["client_first_name"] = values["greeting_name"]
    return values


def text_to_html(text: str) -> SafeString:
    """Paragraphs of escaped text with clickable links: the HTML part of an override."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "\n".join(
        "<p>" + urlize(escape(p), nofollow=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
    )
    return mark_safe(html)  # noqa: S308 (every paragraph was escaped above)


def render_email(practice: Practice, kind: str, context: Mapping[str, Any]) -> RenderedEmail:
    """The practice's own template for ``kind`` if it has one, else Portico's default."""
    return render_emails(practice, kind, [context])[0]


def render_emails(
    practice: Practice, kind: str, contexts: Sequence[Mapping[str, Any]]
) -> list[RenderedEmail]:
    """``render_email`` for many emails of one kind: the practice's template is read once."""
    override = EmailTemplateOverride.objects.filter(practice=practice, kind=kind).first()
    rendered = []
    for context in contexts:
        values = email_values(practice, context)
        if override is not None:
            rendered.append(render_override(practice, override.subject, override.body_text, values))
        else:
            rendered.append(render_default(kind, values))
    return rendered


def render_default(kind: str, values: Mapping[str, str]) -> RenderedEmail:
    subject = render_to_string(f"mail/emails/{kind}.subject.txt", values)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_tidy(render_to_string(f"mail/emails/{kind}.txt", values)),
        html=render_to_string(f"mail/emails/{kind}.html", values),
    )


def sample_values(practice: Practice) -> dict[str, str]:
    """Made-up values for previews and test emails: the link is clearly not a real one."""
    from portico.lib.urls import practice_base_url

    return email_values(
        practice,
        {
            "greeting_name": "Alex",
            "link": practice_base_url(practice) + "/example-link",
            "link_expires": timezone.now() + practice.invite_lifetime,
            "username": "alex.sample",
        },
    )


def default_template_source(practice: Practice, kind: str) -> tuple[str, str]:
    """Portico's default subject and text for ``kind``, written in the placeholder language.

    The default Django templates are rendered with each value replaced by its own
    placeholder, so a practice starts editing from exactly what is sent today.
    Contact details the practice has not filled in are left out, as the default does.
    """
    available = AVAILABLE[kind]
    tokens = {name: "{{ %s }}" % name for name in available}  # noqa: UP031
    if not practice.phone:
        tokens.pop("practice_phone", None)
    if not practice.email:
        tokens.pop("practice_email", None)
    tokens.setdefault("practice_name", "{{ practice_name }}")
    tokens.setdefault("greeting_name", "{{ greeting_name }}")
    rendered = render_default(kind, tokens)
    return rendered.subject, rendered.text


def preview_email(
    practice: Practice, kind: str, *, subject: str | None = None, body_text: str | None = None
) -> RenderedEmail:
    """``kind`` with sample values: the given (checked) text, else the saved one or the default."""
    values = sample_values(practice)
    if subject is not None and body_text is not None:
        return render_override(practice, subject, body_text, values)
    override = EmailTemplateOverride.objects.filter(practice=practice, kind=kind).first()
    if override is not None:
        return render_override(practice, override.subject, override.body_text, values)
    return render_default(kind, values)


def render_override(
    practice: Practice, subject: str, body_text: str, values: Mapping[str, str]
) -> RenderedEmail:
    text = _tidy(render_placeholders(body_text, values))
    html = render_to_string(
        "mail/emails/base.html",
        {"body": text_to_html(text), "practice_name": values.get("practice_name", practice.name)},
    )
    return RenderedEmail(
        subject=" ".join(render_placeholders(subject, values).split()), text=text, html=html
    )


def _tidy(text: str) -> str:
    """Trim trailing spaces and collapse the blank lines left by template tags."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
