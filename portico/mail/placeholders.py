"""Portico's small, safe placeholder language for practices' own email templates.

A template is plain text with ``{{ name }}`` placeholders and nothing else: no
tags, no filters, no attribute access. Only the names listed for an email kind
can be used, so a template has no way to reach a date of birth, a note or any
other record: the renderer is handed a fixed set of strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import pgettext, pgettext_lazy

from portico.mail.models import EmailKind

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")
# Anything that looks like template syntax: checked mark by mark.
SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

PLACEHOLDER_HELP: dict[str, StrPromise] = {
    # Shown to staff in the template editor, next to each placeholder.
    "greeting_name": pgettext_lazy(
        "staff", "the first name (or preferred name) of the person the email is for"
    ),
    "client_first_name": pgettext_lazy("staff", "the same as greeting_name"),
    "practice_name": pgettext_lazy("staff", "your practice's name"),
    "practice_phone": pgettext_lazy("staff", "your practice's phone number"),
    "practice_email": pgettext_lazy("staff", "your practice's email address"),
    "link": pgettext_lazy("staff", "the link the person clicks (it works once)"),
    "link_expires": pgettext_lazy(
        "staff", "when the link stops working, in your practice's time zone"
    ),
    "username": pgettext_lazy("staff", "the person's username"),
    "calendar_link": pgettext_lazy("staff", "the link to the appointment's calendar file (.ics)"),
    "appointment_when": pgettext_lazy(
        "staff", "the appointment's date and time, with the practice's time zone"
    ),
    "appointment_kind": pgettext_lazy("staff", "“In person” or “Video”"),
    "appointment_place": pgettext_lazy("staff", "the location or room (empty when none is set)"),
    "form_title": pgettext_lazy(
        "staff", "the form's title (left empty when the form is marked sensitive)"
    ),
    "problem_count": pgettext_lazy(
        "staff", "how many people cannot sign in, with the word: “7 people”"
    ),
}
_COMMON = (
    "greeting_name",
    "client_first_name",
    "practice_name",
    "practice_phone",
    "practice_email",
)
_EXPIRING_LINK = (*_COMMON, "link", "link_expires")
# Appointments: when, in person or video, and the place; never a reason, note or clinician.
_APPOINTMENT = (
    *_COMMON,
    "link",
    "calendar_link",
    "appointment_when",
    "appointment_kind",
    "appointment_place",
)

AVAILABLE: dict[str, tuple[str, ...]] = {
    EmailKind.INVITE: _EXPIRING_LINK,
    EmailKind.PASSWORD_RESET: _EXPIRING_LINK,
    EmailKind.STAFF_INVITE: _EXPIRING_LINK,
    EmailKind.USERNAME_REMINDER: (*_COMMON, "username", "link"),
    EmailKind.NEW_MESSAGE: (*_COMMON, "link"),
    EmailKind.FORM_WAITING: (*_COMMON, "link", "form_title"),
    EmailKind.PASSWORD_CHANGED: (*_COMMON, "link"),
    EmailKind.APPOINTMENT_BOOKED: _APPOINTMENT,
    EmailKind.APPOINTMENT_CHANGED: _APPOINTMENT,
    EmailKind.APPOINTMENT_CANCELLED: _APPOINTMENT,
    EmailKind.APPOINTMENT_REMINDER: _APPOINTMENT,
    # Documents: that one is waiting or asked for; never its title, category or file name.
    EmailKind.DOCUMENT_WAITING: (*_COMMON, "link"),
    EmailKind.DOCUMENT_REQUESTED: (*_COMMON, "link"),
    EmailKind.TEST: (*_COMMON, "link"),
    # Staff emails: a count and a link, never a name (portico.problems, portico.twofactor).
    EmailKind.ACCESS_SUMMARY: (*_COMMON, "link", "problem_count"),
    EmailKind.TWO_FACTOR_RESET: (*_COMMON, "link"),
}
# Kinds whose whole point is the link: a template without it is refused.
LINK_REQUIRED = frozenset(
    {
        EmailKind.INVITE,
        EmailKind.PASSWORD_RESET,
        EmailKind.STAFF_INVITE,
        EmailKind.USERNAME_REMINDER,
        EmailKind.NEW_MESSAGE,
        EmailKind.FORM_WAITING,
        EmailKind.DOCUMENT_WAITING,
        EmailKind.DOCUMENT_REQUESTED,
        EmailKind.ACCESS_SUMMARY,
    }
)


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return pgettext("staff", "Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def check_template(text: str, kind: str, *, require_link: bool = False) -> list[TemplateProblem]:
    """Every problem in ``text``, with where and why, in plain words."""
    available = AVAILABLE[kind]
    listing = ", ".join("{{ %s }}" % name for name in available)  # noqa: UP031
    problems: list[TemplateProblem] = []
    used: set[str] = set()
    position = 0
    while (found := SYNTAX.search(text, position)) is not None:
        start = found.start()
        line, column = _position(text, start)
        mark = found.group()
        if mark == "{{":
            placeholder = PLACEHOLDER.match(text, start)
            if placeholder is None:
                end_of_line = text.find("\n", start)
                end_of_line = len(text) if end_of_line == -1 else end_of_line
                closing = text.find("}}", start, end_of_line)
                shown = text[start : closing + 2] if closing != -1 else text[start : start + 20]
                problems.append(
                    TemplateProblem(
                        line,
                        column,
                        pgettext(
                            "staff",
                            "%(shown)s is not a placeholder. Write placeholders as "
                            "{{ name }} with one of: %(listing)s.",
                        )
                        % {"shown": shown.strip(), "listing": listing},
                    )
                )
                position = start + 2
                continue
            name = placeholder.group(1)
            if name not in available:
                problems.append(
                    TemplateProblem(
                        line,
                        column,
                        pgettext(
                            "staff",
                            "{{ %(name)s }} is not a placeholder you can use in this email. "
                            "Available: %(listing)s.",
                        )
                        % {"name": name, "listing": listing},
                    )
                )
            used.add(name)
            position = placeholder.end()
            continue
        if mark in ("{%", "{#"):
            message = pgettext(
                "staff",
                "%(mark)s … is not allowed: these templates have no tags or comments, "
                "only placeholders such as {{ practice_name }}.",
            ) % {"mark": mark}
        else:
            message = pgettext(
                "staff", "%(mark)s closes nothing. Placeholders look like {{ practice_name }}."
            ) % {"mark": mark}
        problems.append(TemplateProblem(line, column, message))
        position = start + 2
    if require_link and kind in LINK_REQUIRED and "link" not in used:
        problems.append(
            TemplateProblem(
                1,
                1,
                pgettext(
                    "staff",
                    "This email must contain {{ link }}: without it the person has nothing "
                    "to click.",
                ),
            )
        )
    return problems


def render_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{{ name }}`` by its value. The text must have passed check_template."""

    def substitute(match: re.Match[str]) -> str:
        return values.get(match.group(1), "")

    return PLACEHOLDER.sub(substitute, text)
