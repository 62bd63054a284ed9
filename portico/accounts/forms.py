from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portico.accounts.models import User


class PlainForm(forms.Form):
    """Labels without a trailing colon (they read as questions and checkbox sentences)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StaffSignInForm(PlainForm):
    email = forms.CharField(
        label=pgettext_lazy("staff", "Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": pgettext_lazy("staff", "Enter the email address you sign in with.")
        },
    )
    password = forms.CharField(
        label=pgettext_lazy("staff", "Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": pgettext_lazy("staff", "Enter your password.")},
    )


# Passwords longer than the policy's 128 still reach the validator, which names the
# limit in plain words; this only bounds the work a request can cause.
PASSWORD_INPUT_MAX = 1024


class NewPasswordForm(PlainForm):
    """A new password, twice, checked by the password policy with the person's own details.

    The rules are shown before typing (the help text). Used to accept a staff
    invitation, to register through a portal invitation, to reset and to change a
    password; subclasses may relabel the fields or add some (a username).
    """

    new_password = forms.CharField(
        label=_("New password"),
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    confirm_password = forms.CharField(
        label=_("New password again"),
        max_length=PASSWORD_INPUT_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the same password again.")},
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["new_password"].help_text = password_rules_html()

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("confirm_password")
        if first and second and first != second:
            self.add_error(
                "confirm_password", gettext("The two passwords are different. Type them again.")
            )
        return cleaned


def password_rules_html() -> str:
    items = "".join(
        f"<li>{text}</li>" for text in password_validation.password_validators_help_texts()
    )
    return gettext("Your password must follow these rules:") + f"<ul>{items}</ul>"
