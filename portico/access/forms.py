from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

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


def password_help() -> str:
    items = "".join(f"<li>{text}</li>" for text in password_validators_help_texts())
    return f"Your password must follow these rules:<ul>{items}</ul>"


class CredentialsForm(forms.Form):
    username = forms.CharField(
        label="Choose a username",
        max_length=40,
        help_text="3 to 40 letters, digits, dots, dashes or underscores. You will sign in with it.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self, *args: Any, wants_username: bool, person: User, username_free: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person  # unsaved stand-in for the similarity check
        self.username_free = username_free
        self.fields["password1"].help_text = password_help()
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
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match. Type them again.")
        elif first:
            if "username" in data:
                self.person.username = data["username"]
            try:
                validate_password(first, self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


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
