"""A form version's questions as a Django form: fields, limits, and answers in and out.

Each question is one field named ``q<id>`` (a signature is two: the typed full name
and the "I agree" box). Every field has a length limit with a plain error. A draft
is checked with ``required`` off: half a form can be saved, but never an answer
that would be refused on submit for its length or shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portico.intake.models import Question, QuestionKind

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
SIGNATURE_NAME_MAX = 200
NUMBER_LIMIT = Decimal("999999999")
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def field_name(question: Question) -> str:
    return f"q{question.pk}"


# Django fills in limit_value and show_value when it shows the message.
TOO_LONG = _("Keep this under %(limit_value)d characters (it has %(show_value)d).")


def _too_long() -> dict[str, Any]:
    return {"max_length": TOO_LONG}


def _text(question: Question, *, required: bool, limit: int, long: bool) -> forms.Field:
    widget: forms.Widget = forms.Textarea(attrs={"rows": 6}) if long else forms.TextInput()
    return forms.CharField(
        max_length=limit, required=required, widget=widget, error_messages=_too_long()
    )


class _DateField(forms.DateField):
    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not (EARLIEST_DATE <= value <= LATEST_DATE):
            raise ValidationError(_("Enter a date between 1900 and 2100."), code="out_of_range")


def _field_for(question: Question, *, required: bool) -> forms.Field:
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return _text(question, required=required, limit=SHORT_TEXT_MAX, long=False)
    if kind == QuestionKind.LONG_TEXT:
        return _text(question, required=required, limit=LONG_TEXT_MAX, long=True)
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices],
            required=required,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the options listed.")},
        )
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices],
            required=required,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Choose among the options listed.")},
        )
    if kind == QuestionKind.DATE:
        return _DateField(
            required=required,
            input_formats=["%Y-%m-%d", "%m/%d/%Y"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date as MM/DD/YYYY, for example 04/12/1990.")},
        )
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(
            choices=YES_NO,
            required=required,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose Yes or No.")},
        )
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            required=required,
            decimal_places=4,
            min_value=-NUMBER_LIMIT,
            max_value=NUMBER_LIMIT,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            error_messages={
                "invalid": _("Enter a number, for example 3 or 2.5."),
                "max_value": _("Enter a number under one billion."),
                "min_value": _("Enter a number above minus one billion."),
                "max_decimal_places": _("Use at most 4 digits after the decimal point."),
            },
        )
    raise ValueError(f"No field for question kind {kind!r}")


class AnswersForm(forms.Form):
    """The questions of one version, as fields; ``draft`` turns every ``required`` off."""

    template_name = "forms/div.html"

    def __init__(
        self, *args: Any, questions: list[Question], draft: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            required = question.required and not draft
            name = field_name(question)
            if question.kind == QuestionKind.SIGNATURE:
                self.fields[f"{name}_name"] = forms.CharField(
                    label=_("Type your full name"),
                    max_length=SIGNATURE_NAME_MAX,
                    required=required,
                    error_messages={
                        **_too_long(),
                        "required": _("Type your full name to sign."),
                    },
                )
                self.fields[f"{name}_agree"] = forms.BooleanField(
                    label=_("I agree"),
                    required=required,
                    error_messages={"required": _("Tick “I agree” to sign.")},
                )
                continue
            field = _field_for(question, required=required)
            field.label = (
                question.label
                if question.required
                else _("%(question)s (optional)") % {"question": question.label}
            )
            field.help_text = question.help_text
            field.error_messages["required"] = _("Please answer this question.")
            self.fields[name] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            if question.kind != QuestionKind.SIGNATURE:
                continue
            name = field_name(question)
            typed, agreed = cleaned.get(f"{name}_name"), cleaned.get(f"{name}_agree")
            if agreed and not typed and f"{name}_name" not in self.errors:
                self.add_error(f"{name}_name", _("Type your full name to sign."))
        return cleaned

    def items(self) -> list[FormItem]:
        """One entry per question, with its bound field(s): what the page renders."""
        items = []
        for question in self.questions:
            name = field_name(question)
            if question.kind == QuestionKind.SIGNATURE:
                items.append(FormItem(question, None, self[f"{name}_name"], self[f"{name}_agree"]))
            else:
                items.append(FormItem(question, self[name], None, None))
        return items

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as stored: empty answers are left out."""
        stored: dict[str, Any] = {}
        for question in self.questions:
            key = str(question.pk)
            name = field_name(question)
            if question.kind == QuestionKind.SIGNATURE:
                typed = self.cleaned_data.get(f"{name}_name") or ""
                agreed = bool(self.cleaned_data.get(f"{name}_agree"))
                if typed or agreed:
                    stored[key] = {"full_name": typed, "agreed": agreed}
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = _plain_number(value)
            stored[key] = value
        return stored


@dataclass(frozen=True)
class FormItem:
    question: Question
    field: forms.BoundField | None
    signature_name: forms.BoundField | None
    signature_agree: forms.BoundField | None


def _plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def initial_from(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as a form's ``initial``: a saved draft shown again."""
    initial: dict[str, Any] = {}
    for question in questions:
        value = answers.get(str(question.pk))
        if value is None:
            continue
        name = field_name(question)
        if question.kind == QuestionKind.SIGNATURE and isinstance(value, dict):
            initial[f"{name}_name"] = value.get("full_name", "")
            initial[f"{name}_agree"] = bool(value.get("agreed"))
        else:
            initial[name] = value
    return initial


@dataclass(frozen=True)
class ShownAnswer:
    question: Question
    text: str  # "" when not answered
    signature: dict[str, Any] | None = None

    @property
    def signed_at(self) -> datetime | None:
        stamp = (self.signature or {}).get("signed_at")
        return datetime.fromisoformat(stamp) if stamp else None


def shown_answers(questions: list[Question], answers: dict[str, Any]) -> list[ShownAnswer]:
    """Each question with its answer in words, for staff and the client's read-only copy."""
    shown = []
    for question in questions:
        value = answers.get(str(question.pk))
        if question.kind == QuestionKind.SIGNATURE:
            signature = value if isinstance(value, dict) else None
            text = signature.get("full_name", "") if signature else ""
            shown.append(ShownAnswer(question, text, signature))
            continue
        if value is None:
            text = ""
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif question.kind == QuestionKind.YES_NO:
            text = str(dict(YES_NO).get(str(value), str(value)))
        elif question.kind == QuestionKind.DATE:
            try:
                # "04/12/1990"; Spanish "12 de abril de 1990" (no day/month doubt)
                text = dateformat.format(date.fromisoformat(str(value)), gettext("m/d/Y"))
            except ValueError:
                text = str(value)
        else:
            text = str(value)
        shown.append(ShownAnswer(question, text))
    return shown
