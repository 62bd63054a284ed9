"""Forms of the client portal: they parse and check input, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portico.accounts.forms import PASSWORD_INPUT_MAX, NewPasswordForm, PlainForm
from portico.accounts.models import User
from portico.practices.models import Practice, SignInIdentifier

# Long enough for any real address or username; bounds the work an attacker can cause.
IDENTIFIER_MAX = 254


def identifier_label(practice: Practice) -> str:
    """What the practice tells clients to sign in with; either one is accepted."""
    if practice.sign_in_identifier == SignInIdentifier.USERNAME:
        return gettext("Username or email address")
    return gettext("Email address or username")


def identifier_required(practice: Practice) -> str:
    """The error when the sign-in name is left empty."""
    if practice.sign_in_identifier == SignInIdentifier.USERNAME:
        return gettext("Enter your username or email address.")
    return gettext("Enter your email address or username.")


class SignInForm(PlainForm):
    identifier = forms.CharField(
        max_length=IDENTIFIER_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].label = identifier_label(practice)
        self.fields["identifier"].error_messages["required"] = identifier_required(practice)


class ForgotPasswordForm(PlainForm):
    identifier = forms.CharField(
        max_length=IDENTIFIER_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identifier"].label = identifier_label(practice)
        self.fields["identifier"].help_text = gettext("The one you use to sign in.")
        self.fields["identifier"].error_messages["required"] = identifier_required(practice)


class ForgotUsernameForm(PlainForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=IDENTIFIER_MAX,
        help_text=_("The address the practice has for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )


class ChangePasswordForm(NewPasswordForm):
    """Change while signed in: the current password first, unless the user must change it.

    After a staff-set temporary password the user has just proved it by signing in,
    so asking again would only get in the way.
    """

    current_password = forms.CharField(
        label=_("Current password"),
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )

    field_order = ["current_password", "new_password", "confirm_password"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.account = user
        if user.must_change_password:
            del self.fields["current_password"]

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.account.check_password(password):
            raise forms.ValidationError(gettext("That is not your current password."))
        return password
