"""Turn an email kind and a few plain values into a subject, a text part and an HTML part.

Only the names in ``ALLOWED_VALUES`` ever reach a template (defaults or a
practice's override); anything else a caller passes is dropped here, so no
template can show a date of birth, a note or an appointment.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from portico.lib.localtime import day_and_time_with_zone
from portico.mail.models import EmailTemplateOverride
from portico.mail.placeholders import AVAILABLE, render_placeholders
from portico.practices.branding import email_brand_values
from portico.practices.models import Practice

ALLOWED_VALUES = (
    "greeting_name",
    "practice_name",
    "practice_phone",
    "practice_email",
    "link",
    "link_expires",
    "username",
    # appointments (portico.appointments.emails): no reason, note or clinician, ever
    "calendar_link",
    "appointment_when",
    "appointment_kind",
    "appointment_place",
    "form_title",  # only ever passed for a form not marked sensitive (portico.intake.emails)
    "problem_count",  # "7 people": the weekly access summary (portico.problems.summary)
)


LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


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
    # "Hello there," when no name is known (in the email's language).
    values.setdefault("greeting_name", gettext("there"))
    values["client_first_name"] = values["greeting_name"]
    values.update(email_brand_values(practice))  # the practice's logo and colour
    return values


def text_to_html(text: str) -> SafeString:
    """Paragraphs of escaped text with clickable links: the HTML part of an override."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "\n".join(
        "<p>" + urlize(escape(p), nofollow=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
    )
    return mark_safe(html)  # noqa: S308 (every paragraph was escaped above)


# Emails to staff are written in English, whatever language anyone else reads.
STAFF_KINDS = frozenset({"staff_invite", "access_summary", "two_factor_reset", "test"})


def email_language(kind: str, language: str | None) -> str:
    """The language ``kind`` is written in for a recipient who reads ``language``."""
    if kind in STAFF_KINDS or language not in LANGUAGE_CODES:
        return settings.LANGUAGE_CODE
    return language


def _override(practice: Practice, kind: str, language: str) -> EmailTemplateOverride | None:
    """The practice's text for ``kind`` in ``language`` only: never another language's."""
    return EmailTemplateOverride.objects.filter(
        practice=practice, kind=kind, language=language
    ).first()


def render_email(
    practice: Practice, kind: str, context: Mapping[str, Any], *, language: str = "en"
) -> RenderedEmail:
    """The practice's own template for ``kind`` in ``language`` if it has one, else
    Portico's default in that language."""
    return render_emails(practice, kind, [context], languages=[language])[0]


def render_emails(
    practice: Practice,
    kind: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    languages: Sequence[str] | None = None,
) -> list[RenderedEmail]:
    """``render_email`` for many emails of one kind, each in its recipient's language
    (English when ``languages`` is None): the practice's templates are read once."""
    wanted = [email_language(kind, lang) for lang in (languages or ["en"] * len(contexts))]
    overrides = {
        o.language: o
        for o in EmailTemplateOverride.objects.filter(
            practice=practice, kind=kind, language__in=set(wanted)
        )
    }
    return [
        _render(practice, kind, overrides.get(lang), context, lang)
        for context, lang in zip(contexts, wanted, strict=True)
    ]


def _render(
    practice: Practice,
    kind: str,
    override: EmailTemplateOverride | None,
    context: Mapping[str, Any],
    language: str,
) -> RenderedEmail:
    """Render in ``language``: the values too (dates, and lazy strings callers pass)."""
    with translation.override(language):
        values = email_values(practice, context)
        if override is not None:
            return render_override(practice, override.subject, override.body_text, values)
        return render_default(kind, values)


# --- many emails that differ in a few plain values: render once, fill in ----------------------

# A value can be pasted over a marker only if no rendering step would have treated
# it differently from the marker: no whitespace to trim or collapse, nothing that
# urlize could take for a link or an address ("." "@" ":"). In a URL: only the
# characters of a token, which quoting and escaping leave alone.
_PLAIN_WORDS = re.compile(r"[^\s.@:]+(?: [^\s.@:]+)*")
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Hole:
    """A per-email value left out of a shared rendering; ``marker`` stands in for it."""

    marker: str
    in_url: bool = False

    @classmethod
    def new(cls, *, in_url: bool = False) -> Hole:
        return cls(f"PorticoHole{secrets.token_hex(8)}", in_url)

    def fits(self, value: str) -> bool:
        return bool((_URL_SAFE if self.in_url else _PLAIN_WORDS).fullmatch(value))

    @property
    def probe(self) -> str:
        # Awkward but fitting values: escaping has to come out as the renderer's.
        return "Probe-token_0" if self.in_url else 'O\'Brien & <Sons> "Ltd"'


def render_filled(
    practice: Practice,
    kind: str,
    context: Mapping[str, Any],
    *,
    holes: Sequence[Hole],
    fills: Sequence[Sequence[str]],
    language: str = "en",
) -> list[RenderedEmail]:
    """``render_emails`` for emails that differ only in the values of ``holes``.

    ``context`` holds each hole's marker where its value goes (a name, or a token
    inside the link); ``fills`` holds each email's values, in the order of ``holes``.
    The template is rendered once and each marker replaced: as it is in the subject
    and text, HTML-escaped in the HTML part, which is what rendering does to a value.
    The bytes are those of rendering each email: a probe with awkward values is
    rendered both ways first (a template that treats a value otherwise is rendered
    email by email), and a value some step would change (``Hole.fits``) is rendered
    in full for its email.
    """
    language = email_language(kind, language)
    override = _override(practice, kind, language)

    def render(values: Sequence[str]) -> RenderedEmail:
        filled = {
            name: _paste(value, holes, values, html=False) if isinstance(value, str) else value
            for name, value in context.items()
        }
        return _render(practice, kind, override, filled, language)

    mould = render([hole.marker for hole in holes])
    probe = [hole.probe for hole in holes]
    moulded = _fill(mould, holes, probe) == render(probe)
    return [
        _fill(mould, holes, values)
        if moulded and all(hole.fits(v) for hole, v in zip(holes, values, strict=True))
        else render(values)
        for values in fills
    ]


def _paste(text: str, holes: Sequence[Hole], values: Sequence[str], *, html: bool) -> str:
    for hole, value in zip(holes, values, strict=True):
        text = text.replace(hole.marker, str(escape(value)) if html else value)
    return text


def _fill(mould: RenderedEmail, holes: Sequence[Hole], values: Sequence[str]) -> RenderedEmail:
    return RenderedEmail(
        subject=_paste(mould.subject, holes, values, html=False),
        text=_paste(mould.text, holes, values, html=False),
        html=_paste(mould.html, holes, values, html=True),
    )


def render_default(kind: str, values: Mapping[str, str]) -> RenderedEmail:
    subject = render_to_string(f"mail/emails/{kind}.subject.txt", values)
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_tidy(render_to_string(f"mail/emails/{kind}.txt", values)),
        html=render_to_string(f"mail/emails/{kind}.html", values),
    )


def sample_values(practice: Practice) -> dict[str, str]:
    """Made-up values for previews and test emails: the link is clearly not a real one.

    In the active language (dates, the appointment's kind).
    """
    from portico.lib.urls import practice_base_url

    return email_values(
        practice,
        {
            "greeting_name": "Alex",
            "link": practice_base_url(practice) + "/example-link",
            "link_expires": timezone.now() + practice.invite_lifetime,
            "username": "alex.sample",
            # Made-up values staff read in the editor's preview and in test emails.
            "form_title": pgettext("staff", "About you"),
            "calendar_link": practice_base_url(practice) + "/example-calendar-link",
            "appointment_when": timezone.now() + timedelta(days=2),
            "appointment_kind": gettext("In person"),
            "appointment_place": pgettext("staff", "Room 2"),
        },
    )


def default_template_source(practice: Practice, kind: str, language: str = "en") -> tuple[str, str]:
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
    with translation.override(email_language(kind, language)):
        rendered = render_default(kind, tokens)
    return rendered.subject, rendered.text


def preview_email(
    practice: Practice,
    kind: str,
    *,
    subject: str | None = None,
    body_text: str | None = None,
    language: str = "en",
) -> RenderedEmail:
    """``kind`` in ``language`` with sample values: the given (checked) text, else the
    practice's saved text in that language, else Portico's default in that language."""
    language = email_language(kind, language)
    with translation.override(language):
        values = sample_values(practice)
        if subject is not None and body_text is not None:
            return render_override(practice, subject, body_text, values)
        override = _override(practice, kind, language)
        if override is not None:
            return render_override(practice, override.subject, override.body_text, values)
        return render_default(kind, values)


def render_override(
    practice: Practice, subject: str, body_text: str, values: Mapping[str, str]
) -> RenderedEmail:
    text = _tidy(render_placeholders(body_text, values))
    html = render_to_string(
        "mail/emails/base.html",
        {
            **values,  # the brand (logo, colour) shows around an override too
            "body": text_to_html(text),
            "practice_name": values.get("practice_name", practice.name),
        },
    )
    return RenderedEmail(
        subject=" ".join(render_placeholders(subject, values).split()), text=text, html=html
    )


def _tidy(text: str) -> str:
    """Trim trailing spaces and collapse the blank lines left by template tags."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
