"""Staff forms of the builder and of a client's Forms page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy

from portico.intake.models import CHOICE_KINDS, Form, QuestionKind

MAX_CHOICES = 50
CHOICE_MAX = 200


class _Form(forms.Form):
    template_name = "forms/div.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FormSettingsForm(_Form):
    title = forms.CharField(
        label=pgettext_lazy("staff", "Title"),
        max_length=120,
        help_text=pgettext_lazy("staff", "Clients see it in their list of forms."),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the title under 120 characters.")
        },
    )
    instructions = forms.CharField(
        label=pgettext_lazy("staff", "Instructions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=pgettext_lazy(
            "staff", "Shown above the questions. For a consent form, the text being agreed to."
        ),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the instructions under 5000 characters.")
        },
    )
    sensitive = forms.BooleanField(
        required=False,
        label=pgettext_lazy("staff", "The title is sensitive: never put it in emails"),
        help_text=pgettext_lazy("staff", "Emails then only say that a form is waiting."),
    )
    in_intake_set = forms.BooleanField(
        required=False,
        label=pgettext_lazy("staff", "Part of the intake set (given to new clients)"),
    )
    intake_order = forms.IntegerField(
        min_value=1,
        max_value=99,
        initial=1,
        label=pgettext_lazy("staff", "Position in the intake set"),
        help_text=pgettext_lazy("staff", "1 comes first."),
    )

    @classmethod
    def for_form(cls, form: Form, instructions: str, data: Any = None) -> FormSettingsForm:
        return cls(
            data,
            initial={
                "title": form.title,
                "instructions": instructions,
                "sensitive": form.sensitive,
                "in_intake_set": form.in_intake_set,
                "intake_order": form.intake_order,
            },
        )


class QuestionForm(_Form):
    label = forms.CharField(
        label=pgettext_lazy("staff", "Question"),
        max_length=300,
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the question under 300 characters.")
        },
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("staff", "Kind of answer"), choices=QuestionKind.choices
    )
    help_text = forms.CharField(
        label=pgettext_lazy("staff", "Help text (optional)"),
        required=False,
        max_length=500,
        help_text=pgettext_lazy("staff", "A short hint shown under the question."),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the help text under 500 characters.")
        },
    )
    required = forms.BooleanField(
        label=pgettext_lazy("staff", "An answer is required"), required=False, initial=True
    )
    choices = forms.CharField(
        label=pgettext_lazy("staff", "Choices (for “one choice” and “several choices”)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=pgettext_lazy("staff", "One per line."),
    )

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = [line for line in lines if line]
        if len(choices) > MAX_CHOICES:
            raise ValidationError(
                pgettext("staff", "Give at most %(count)d choices.") % {"count": MAX_CHOICES}
            )
        if any(len(choice) > CHOICE_MAX for choice in choices):
            raise ValidationError(
                pgettext("staff", "Keep each choice under %(count)d characters.")
                % {"count": CHOICE_MAX}
            )
        return choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        choices = cleaned.get("choices")
        if kind in CHOICE_KINDS and choices is not None and len(set(choices)) < 2:
            self.add_error(
                "choices", pgettext("staff", "Give at least two different choices, one per line.")
            )
        return cleaned

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "label": data["label"],
            "help_text": data["help_text"],
            "required": data["required"],
            "choices": data["choices"] if data["kind"] in CHOICE_KINDS else [],
        }


class SendFormForm(_Form):
    form = forms.ModelChoiceField(
        queryset=Form.objects.none(),
        label=pgettext_lazy("staff", "Form to send"),
        to_field_name="public_id",
        empty_label=pgettext_lazy("staff", "Choose a form"),
        error_messages={
            "invalid_choice": pgettext_lazy("staff", "Choose one of the forms listed.")
        },
    )

    def __init__(self, *args: Any, forms_to_send: list[Form], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["form"])  # type: ignore[type-arg]
        field.queryset = Form.objects.filter(pk__in=[f.pk for f in forms_to_send]).order_by(
            "title", "id"
        )


class ReopenForm(_Form):
    note = forms.CharField(
        label=pgettext_lazy("staff", "Note for the client"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=pgettext_lazy(
            "staff", "What to correct. The client sees this note above the form."
        ),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the note under 500 characters.")
        },
    )
