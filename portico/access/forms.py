from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from portico.accounts.forms import NewPasswordForm
from portico.accounts.models import User

DOB_FORMAT_HELP = "Use MM/DD/YYYY, for example 07/04/1985."
DOB_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$")


def parse_date_of_birth(text: str) -> date | None:
    """MM/DD/YYYY (what clients are told; M/D/YYYY too) or YYYY-MM-DD, else None."""
    cleaned = re.sub(r"\s+", "", text)
    for pattern in DOB_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, pattern)  # noqa: DTZ007 (a date, no time zone)
        except ValueError:
            continue
        if parsed.year >= 1900:
            return parsed.date()
    return None


class DateOfBirthForm(forms.Form):
    date_of_birth = forms.CharField(
        label="Your date of birth",
        help_text=DOB_FORMAT_HELP,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "text"}),
    )

    def clean_date_of_birth(self) -> date:
        parsed = parse_date_of_birth(self.cleaned_data["date_of_birth"])
        if parsed is None:
            raise ValidationError(
                "Enter your date of birth as MM/DD/YYYY (month, day, year), for example 07/04/1985."
            )
        return parsed


class CredentialsForm(NewPasswordForm):
    """Registration: a username (when the practice uses them) and the password, twice."""

    username = forms.CharField(
        label="Choose a username",
        max_length=40,
        help_text="3 to 40 letters, digits, dots, dashes or underscores. You will sign in with it.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    field_order = ["username", "new_password", "confirm_password"]

    def __init__(
        self, *args: Any, wants_username: bool, person: User, username_free: Any, **kwargs: Any
    ) -> None:
        # ``person`` is an unsaved stand-in, so the similarity rule sees the names.
        super().__init__(*args, user=person, **kwargs)
        self.username_free = username_free
        self.fields["new_password"].label = "Choose a password"
        self.fields["confirm_password"].label = "Type the password again"
        if not wants_username:
            del self.fields["username"]

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if not USERNAME_PATTERN.match(username):
            raise ValidationError(
                "Use 3 to 40 letters, digits, dots, dashes or underscores, starting with a "
                "letter or digit."
            )
        if not self.username_free(username):
            raise ValidationError("That username is already taken. Please choose another.")
        if self.user is not None:
            self.user.username = username  # checked for similarity with the password next
        return username


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label="Or type one yourself (optional)",
        required=False,
        strip=False,
        max_length=128,
        help_text="Leave empty and Portico makes a strong one that is easy to read out.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExistingAccountForm(forms.Form):
    """ "I already have a portal account": its sign-in name and password."""

    identifier = forms.CharField(
        label="Your email address or username",
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the email address or username you sign in with."},
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
