from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import pgettext, pgettext_lazy

from portico.imports.fields import TARGETS, in_a_sentence


class UploadForm(forms.Form):
    file = forms.FileField(
        label=pgettext_lazy("staff", "Client list (CSV)"),
        help_text=pgettext_lazy(
            "staff",
            "Saved as CSV UTF-8, separated by commas or semicolons, with the column names "
            "in the first row; up to 50,000 clients and 20 MB.",
        ),
        error_messages={"required": pgettext_lazy("staff", "Choose the CSV file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class MappingForm(forms.Form):
    """One choice per field: which column of the file fills it (or none)."""

    keep_typos = forms.BooleanField(
        required=False,
        label=pgettext_lazy("staff", "Import addresses that look mistyped as they are"),
        help_text=pgettext_lazy(
            "staff",
            "Off: an address like jane@gmial.com stops its row, so you can correct the file.",
        ),
    )

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", pgettext("staff", "— not in the file —"))] + [
            (str(index), header) for index, header in enumerate(headers)
        ]
        for target in TARGETS:
            self.fields[target.name] = forms.TypedChoiceField(
                label=target.label
                if target.required
                else pgettext("staff", "%(detail)s (optional)") % {"detail": target.label},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=target.required,
                help_text=target.help,
                error_messages={
                    "required": pgettext("staff", "Choose the column with the %(detail)s.")
                    % {"detail": in_a_sentence(target.name)}
                },
            )
        self.order_fields([target.name for target in TARGETS] + ["keep_typos"])

    def mapping(self) -> dict[str, int]:
        return {
            target.name: self.cleaned_data[target.name]
            for target in TARGETS
            if self.cleaned_data.get(target.name) is not None
        }
