from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portico.accounts.forms import PlainForm


class AddPasskeyForm(PlainForm):
    name = forms.CharField(
        label=_("Name for this passkey"),
        max_length=60,
        help_text=_("So you can tell your passkeys apart, for example “Work laptop” or “Phone”."),
        error_messages={"required": _("Give this passkey a name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # What navigator.credentials.create() answered, as JSON (filled in by passkeys.js).
    passkey_credential = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.HiddenInput,
        error_messages={"max_length": _("Your browser did not create a passkey. Try again.")},
    )
    next = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Only once the name is right: a missing name is the one thing to fix first.
        if cleaned.get("name") and not cleaned.get("passkey_credential"):
            self.add_error(None, _("Your browser did not create a passkey. Try again."))
        return cleaned


class RemovePasskeyForm(forms.Form):
    passkey = forms.UUIDField()
    next = forms.CharField(required=False, max_length=300)
