from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from portico.accounts.forms import NewPasswordForm
from portico.accounts.models import User
from portico.clients.forms import parse_date_of_birth

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$")

# The expected format, in words, in the visitor's language (the numbers are typed the
# same way in every language: month first, as the practice tells its clients).
DOB_HELP = gettext_lazy("Use MM/DD/YYYY, for example 07/04/1985.")
DOB_ERROR = gettext_lazy("Enter the date of birth as MM/DD/YYYY, for example 07/04/1985.")


class DateOfBirthForm(forms.Form):
    """The welcome journey's identity check: the client's date of birth, whoever types it."""

    date_of_birth = forms.CharField(
        label=gettext_lazy("Your date of birth"),
        help_text=DOB_HELP,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "text"}),
    )

    def __init__(self, *args: Any, name: str = "", **kwargs: Any) -> None:
        """``name``: the client's first name when a guardian confirms it for them."""
        super().__init__(*args, **kwargs)
        if name:
            # The check a practice makes on the phone, and one the invited person can answer.
            self.fields["date_of_birth"].label = _("%(name)s's date of birth") % {"name": name}

    def clean_date_of_birth(self) -> date:
        try:
            return parse_date_of_birth(self.cleaned_data["date_of_birth"])
        except ValidationError:
            # Never echo what was typed: it may be close to the date on file.
            raise ValidationError(DOB_ERROR) from None

    def wrong_answer(self, tries_left: int) -> DateOfBirthForm:
        """Say the answer was wrong, and empty the field: the typed date is never echoed."""
        self.add_error(
            "date_of_birth",
            ngettext(
                "That date of birth does not match our records. Check it and try again. "
                "You have %(count)d try left.",
                "That date of birth does not match our records. Check it and try again. "
                "You have %(count)d tries left.",
                tries_left,
            )
            % {"count": tries_left},
        )
        data = dict(self.data.items())
        data["date_of_birth"] = ""
        self.data = data
        return self


class CredentialsForm(NewPasswordForm):
    """Registration: a username (when the practice uses them) and the password, twice."""

    username = forms.CharField(
        label=gettext_lazy("Choose a username"),
        max_length=40,
        help_text=gettext_lazy(
            "3 to 40 letters, digits, dots, dashes or underscores. You will sign in with it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    field_order = ["username", "new_password", "confirm_password"]

    def __init__(
        self, *args: Any, wants_username: bool, person: User, username_free: Any, **kwargs: Any
    ) -> None:
        # ``person`` is an unsaved stand-in, so the similarity rule sees the names.
        super().__init__(*args, user=person, **kwargs)
        self.username_free = username_free
        self.fields["new_password"].label = gettext_lazy("Choose a password")
        self.fields["confirm_password"].label = gettext_lazy("Type the password again")
        if not wants_username:
            del self.fields["username"]

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if not USERNAME_PATTERN.match(username):
            raise ValidationError(
                _(
                    "Use 3 to 40 letters, digits, dots, dashes or underscores, starting with a "
                    "letter or digit."
                )
            )
        if not self.username_free(username):
            raise ValidationError(_("That username is already taken. Please choose another."))
        if self.user is not None:
            self.user.username = username  # checked for similarity with the password next
        return username


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label=pgettext_lazy("staff", "Or type one yourself (optional)"),
        required=False,
        strip=False,
        max_length=128,
        help_text=pgettext_lazy(
            "staff", "Leave empty and Portico makes a strong one that is easy to read out."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExistingAccountForm(forms.Form):
    """ "I already have a portal account": its sign-in name and password."""

    identifier = forms.CharField(
        label=gettext_lazy("Your email address or username"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={
            "required": gettext_lazy("Enter the email address or username you sign in with.")
        },
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password.")},
    )
