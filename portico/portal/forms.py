"""Forms of the client portal: they parse and check input, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from portico.accounts.models import User
from portico.practices.models import Practice, SignInIdentifier

# Long enough for any real address or username; bounds the work an attacker can cause.
IDENTIFIER_MAX = 254
# Passwords longer than the policy's 128 still reach the validator, which names the limit.
PASSWORD_INPUT_MAX = 1024


class PortalForm(forms.Form):
    """Labels without a trailing colon: they read as plain questions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def identifier_label(practice: Practice) -> str:
    """What the practice tells clients to sign in with; either one is accepted."""
    if practice.sign_in_identifier == SignInIdentifier.USERNAME:
        return "Username or email address"
    return "Email address or username"


class SignInForm(PortalForm):
    identifier = forms.CharField(
        max_length=IDENTIFIER_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = identifier_label(practice)
        self.fields["identifier"].label = label
        self.fields["identifier"].error_messages["required"] = f"Enter your {label.lower()}."


class ForgotPasswordForm(PortalForm):
    identifier = forms.CharField(
        max_length=IDENTIFIER_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = identifier_label(practice)
        self.fields["identifier"].label = label
        self.fields["identifier"].help_text = "The one you use to sign in."
        self.fields["identifier"].error_messages["required"] = f"Enter your {label.lower()}."


class ForgotUsernameForm(PortalForm):
    email = forms.EmailField(
        label="Email address",
        max_length=IDENTIFIER_MAX,
        help_text="The address the practice has for you.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )


class NewPasswordForm(PortalForm):
    """A new password, twice, checked by the password policy with the user's own details."""

    new_password = forms.CharField(
        label="New password",
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a new password."},
    )
    confirm_password = forms.CharField(
        label="New password again",
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the new password a second time."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[
            "new_password"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("confirm_password")
        if first and second and first != second:
            self.add_error(
                "confirm_password", "The two passwords are not the same. Type them again."
            )
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    """Change while signed in: the current password first, unless the user must change it.

    After a staff-set temporary password the user has just proved it by signing in,
    so asking again would only get in the way.
    """

    current_password = forms.CharField(
        label="Current password",
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password."},
    )

    field_order = ["current_password", "new_password", "confirm_password"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if user.must_change_password:
            del self.fields["current_password"]

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password
