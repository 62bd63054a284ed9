"""Each kind of question: what it accepts, its limits, and its errors in plain words."""

from __future__ import annotations

from typing import Any

import pytest

from portico.accounts.models import User
from portico.intake.answers import AnswersForm, initial_from, shown_answers
from portico.intake.models import Form, Question, QuestionKind
from portico.practices.models import Practice
from tests.intake.helpers import about_you, full_answers, questions


@pytest.fixture
def form(maple: Practice, owner: User) -> Form:
    return about_you(maple, owner)


def _of(form: Form, kind: QuestionKind) -> Question:
    return next(q for q in questions(form) if q.kind == kind)


def _errors(
    form: Form, changes: dict[str, Any] | None = None, *, draft: bool = False
) -> dict[str, list[str]]:
    bound = AnswersForm(
        full_answers(form, **(changes or {})), questions=questions(form), draft=draft
    )
    bound.is_valid()
    return {name: [str(e) for e in errors] for name, errors in bound.errors.items()}


def _name(form: Form, kind: QuestionKind) -> str:
    return f"q{_of(form, kind).pk}"


def test_a_complete_form_is_valid_and_stored_as_plain_values(form: Form) -> None:
    bound = AnswersForm(full_answers(form), questions=questions(form))
    assert bound.is_valid(), bound.errors
    stored = bound.answers()
    assert stored[str(_of(form, QuestionKind.DATE).pk)] == "2026-03-15"
    assert stored[str(_of(form, QuestionKind.NUMBER).pk)] == "6.5"
    assert stored[str(_of(form, QuestionKind.YES_NO).pk)] == "no"
    assert stored[str(_of(form, QuestionKind.MULTIPLE_CHOICE).pk)] == ["Mornings", "Evenings"]
    assert stored[str(_of(form, QuestionKind.SIGNATURE).pk)] == {
        "full_name": "Casey Client",
        "agreed": True,
    }


def test_short_text_allows_200_characters_and_not_201(form: Form) -> None:
    name = _name(form, QuestionKind.SHORT_TEXT)
    assert name not in _errors(form, {name: "x" * 200})
    assert _errors(form, {name: "x" * 201})[name] == [
        "Keep this under 200 characters (it has 201)."
    ]


def test_long_text_allows_5000_characters_and_not_5001(form: Form) -> None:
    name = _name(form, QuestionKind.LONG_TEXT)
    assert name not in _errors(form, {name: "x" * 5000})
    assert "Keep this under 5000 characters" in _errors(form, {name: "x" * 5001})[name][0]


def test_a_single_choice_must_be_one_of_the_options(form: Form) -> None:
    name = _name(form, QuestionKind.SINGLE_CHOICE)
    assert _errors(form, {name: "A billboard"})[name] == ["Choose one of the options listed."]


def test_multiple_choices_must_all_be_options(form: Form) -> None:
    name = _name(form, QuestionKind.MULTIPLE_CHOICE)
    assert name not in _errors(form, {name: []})  # optional
    assert _errors(form, {name: ["Mornings", "Nights"]})[name] == [
        "Choose among the options listed."
    ]


@pytest.mark.parametrize("typed", ["03/15/2026", "2026-03-15"])
def test_a_date_is_taken_as_mm_dd_yyyy_or_iso(form: Form, typed: str) -> None:
    assert _name(form, QuestionKind.DATE) not in _errors(
        form, {_name(form, QuestionKind.DATE): typed}
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("15/03/2026", "Enter a date as MM/DD/YYYY, for example 04/12/1990."),
        ("02/30/2026", "Enter a date as MM/DD/YYYY, for example 04/12/1990."),
        ("01/01/1899", "Enter a date between 1900 and 2100."),
    ],
)
def test_a_wrong_date_says_the_expected_format(form: Form, typed: str, error: str) -> None:
    name = _name(form, QuestionKind.DATE)
    assert _errors(form, {name: typed})[name] == [error]


def test_yes_no_takes_only_yes_or_no(form: Form) -> None:
    name = _name(form, QuestionKind.YES_NO)
    assert _errors(form, {name: "maybe"})[name] == ["Choose Yes or No."]
    assert _errors(form, {name: ""})[name] == ["Please answer this question."]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("six", "Enter a number, for example 3 or 2.5."),
        ("1000000000", "Enter a number under one billion."),
        ("1.23456", "Use at most 4 digits after the decimal point."),
    ],
)
def test_a_number_has_limits(form: Form, typed: str, error: str) -> None:
    name = _name(form, QuestionKind.NUMBER)
    assert _errors(form, {name: typed})[name] == [error]


def test_a_signature_needs_the_full_name_and_i_agree(form: Form) -> None:
    name = _name(form, QuestionKind.SIGNATURE)
    errors = _errors(form, {f"{name}_name": "", f"{name}_agree": ""})
    assert errors[f"{name}_name"] == ["Type your full name to sign."]
    assert errors[f"{name}_agree"] == ["Tick “I agree” to sign."]
    long = _errors(form, {f"{name}_name": "x" * 201})
    assert "Keep this under 200 characters" in long[f"{name}_name"][0]


def test_agreeing_without_a_name_is_refused_even_in_a_draft(form: Form) -> None:
    name = _name(form, QuestionKind.SIGNATURE)
    errors = _errors(form, {f"{name}_name": ""}, draft=True)
    assert errors[f"{name}_name"] == ["Type your full name to sign."]


def test_a_draft_may_leave_required_answers_empty_but_not_break_limits(form: Form) -> None:
    empty = {f"q{q.pk}": "" for q in questions(form)}
    bound = AnswersForm(empty, questions=questions(form), draft=True)
    assert bound.is_valid(), bound.errors
    assert bound.answers() == {}
    short = _name(form, QuestionKind.SHORT_TEXT)
    assert short in _errors(form, {short: "x" * 201}, draft=True)


def test_saved_answers_come_back_as_the_form_showed_them(form: Form) -> None:
    bound = AnswersForm(full_answers(form), questions=questions(form))
    assert bound.is_valid()
    initial = initial_from(questions(form), bound.answers())
    again = AnswersForm(
        {k: v for k, v in initial.items() if v is not True}
        | {f"{_name(form, QuestionKind.SIGNATURE)}_agree": "on"},
        questions=questions(form),
    )
    assert again.is_valid(), again.errors
    assert again.answers() == bound.answers()
    words = {a.question.kind: a.text for a in shown_answers(questions(form), bound.answers())}
    assert words[QuestionKind.DATE] == "03/15/2026"
    assert words[QuestionKind.YES_NO] == "No"
    assert words[QuestionKind.MULTIPLE_CHOICE] == "Mornings, Evenings"
