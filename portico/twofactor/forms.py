from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portico.accounts.forms import PASSWORD_INPUT_MAX, PlainForm

_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "off",
    "spellcheck": "false",
    "class": "code-input",
}


class SecondStepForm(PlainForm):
    """A code from the app or a recovery code; or (posted by the passkeys script) an answer."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=64,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "autofocus": True}),
    )
    passkey_credential = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("code", "").strip() and not data.get("passkey_credential"):
            self.add_error("code", _("Enter the code from your app, or a recovery code."))
        return data


class EnrolAppForm(PlainForm):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=16,
        widget=forms.TextInput(attrs={**_CODE_ATTRS, "inputmode": "numeric"}),
        error_messages={"required": _("Enter the 6-digit code from your app.")},
    )


class ReauthenticateForm(PlainForm):
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Enter your password.")},
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs=_CODE_ATTRS),
    )
    passkey_credential = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, wants_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wants_code = wants_code
        if not wants_code:
            del self.fields["code"]
            del self.fields["passkey_credential"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = data.get("code", "").strip() or data.get("passkey_credential")
        if self.wants_code and not answered:
            self.add_error("code", _("Enter the code from your app, or a recovery code."))
        return data


VERIFIED_BY_CHOICES = [
    (
        "date_of_birth_and_phone",
        pgettext_lazy("staff", "Date of birth and phone number on file (phone call)"),
    ),
    ("in_person_photo_id", pgettext_lazy("staff", "In person, with photo ID")),
    ("call_back", pgettext_lazy("staff", "Called them back on the phone number on file")),
]


class VerifiedIdentityForm(PlainForm):
    verified_by = forms.ChoiceField(
        label=pgettext_lazy("staff", "How did you check who they are?"),
        choices=VERIFIED_BY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": pgettext_lazy("staff", "Say how you checked who they are.")},
    )
