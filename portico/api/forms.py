"""The form for a new API key: a name, a role, an optional expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.api.models import KeyRole
from portico.practices.roles import ROLE_SUMMARIES

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

READ_ONLY_SUMMARY = pgettext_lazy(
    "staff", "Reads clients, portal status, email activity and the access history; no writes."
)
EXPIRY_CHOICES = [
    ("", pgettext_lazy("staff", "Never (until revoked)")),
    ("30", pgettext_lazy("staff", "In 30 days")),
    ("90", pgettext_lazy("staff", "In 90 days")),
    ("365", pgettext_lazy("staff", "In one year")),
]
GIVE_A_NAME = pgettext_lazy("staff", "Give the key a name, for example: EHR sync.")


def role_summary(role: str) -> str | StrPromise:
    return READ_ONLY_SUMMARY if role == KeyRole.READ_ONLY else ROLE_SUMMARIES[role]


class ApiKeyForm(PlainForm):
    name = forms.CharField(
        max_length=100,
        label=pgettext_lazy("staff", "Name"),
        help_text=pgettext_lazy(
            "staff", "What uses it, for example: EHR sync. Shown in the access history."
        ),
        error_messages={"required": GIVE_A_NAME},
    )
    role = forms.ChoiceField(
        label=pgettext_lazy("staff", "Role"),
        # Built at import, so lazy: "Owner — Everything, ..." in each request's language.
        choices=[
            (value, format_lazy("{} — {}", label, role_summary(value)))
            for value, label in KeyRole.choices
        ],
        initial=KeyRole.READ_ONLY,
        widget=forms.RadioSelect,
        help_text=pgettext_lazy(
            "staff", "What the key may do: the same rules as a staff member with this role."
        ),
        error_messages={"required": pgettext_lazy("staff", "Choose what the key may do.")},
    )
    expires_in_days = forms.ChoiceField(
        label=pgettext_lazy("staff", "Expires"),
        choices=EXPIRY_CHOICES,
        required=False,
        help_text=pgettext_lazy(
            "staff", "After this the key stops working; you can revoke it at any time."
        ),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise ValidationError(GIVE_A_NAME, code="required")
        return name

    def expires_at(self, now: datetime) -> datetime | None:
        days = self.cleaned_data.get("expires_in_days")
        if not days:
            return None
        return now + timedelta(days=int(days))
