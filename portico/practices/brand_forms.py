"""The branding page's two forms: the logo file, and the accent colour."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.practices.brand_rules import (
    LOGO_MAX_BYTES,
    LOGO_MAX_PIXELS,
    CheckedLogo,
    check_logo,
    clean_accent_colour,
)
from portico.practices.branding import PORTICO_ACCENT
from portico.practices.models import Practice


def _logo_help() -> str:
    return pgettext(
        "staff",
        "PNG or SVG, at most %(size)d KB and %(pixels)d×%(pixels)d pixels. A wide logo on "
        "a white or clear background works best; it is shown about 48 pixels high.",
    ) % {"size": LOGO_MAX_BYTES // 1024, "pixels": LOGO_MAX_PIXELS}


class LogoForm(PlainForm):
    logo = forms.FileField(
        label=pgettext_lazy("staff", "Logo file"),
        help_text=lazy(_logo_help, str)(),
        error_messages={
            "required": pgettext_lazy("staff", "Choose a PNG or SVG file for the logo.")
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml,.png,.svg"}),
    )

    def clean_logo(self) -> CheckedLogo:
        return check_logo(self.cleaned_data["logo"])


class AccentForm(PlainForm):
    """A text field (works everywhere) and a colour picker (where the browser has one).

    Without JavaScript the two are not kept in step, so the picker counts only when
    it was moved and the text was left as shown (``*_shown`` remember both).
    """

    accent_colour = forms.CharField(
        label=pgettext_lazy("staff", "Accent colour"),
        required=False,
        max_length=7,
        help_text=pgettext_lazy(
            "staff",
            "# and six hexadecimal digits, for example #1F5FA8. Buttons, links and the "
            "portal's top bar use it, so it must have a contrast of at least 4.5:1 with "
            "white. Leave it empty for Portico's blue.",
        ),
        widget=forms.TextInput(
            attrs={
                "placeholder": pgettext_lazy("staff", "#1F5FA8"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    accent_picker = forms.CharField(
        label=pgettext_lazy("staff", "Or pick a colour"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_shown = forms.CharField(required=False, max_length=7, widget=forms.HiddenInput)
    picker_shown = forms.CharField(required=False, max_length=7, widget=forms.HiddenInput)

    @classmethod
    def for_practice(cls, practice: Practice, data: Any = None) -> AccentForm:
        picker = (practice.accent_colour or PORTICO_ACCENT).lower()
        return cls(
            data,
            initial={
                "accent_colour": practice.accent_colour,
                "accent_picker": picker,
                "accent_shown": practice.accent_colour,
                "picker_shown": picker,
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("accent_colour") or "").strip()
        picker = (cleaned.get("accent_picker") or "").strip()
        picker_moved = picker and picker.lower() != (cleaned.get("picker_shown") or "").lower()
        text_kept = text.upper() == (cleaned.get("accent_shown") or "").upper()
        chosen = picker if picker_moved and text_kept else text
        try:
            cleaned["colour"] = clean_accent_colour(chosen)
        except forms.ValidationError as error:
            self.add_error("accent_colour", error)
        return cleaned
