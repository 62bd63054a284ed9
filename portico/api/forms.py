"""The form for a new API key: a name, a role, an optional expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError

from portico.accounts.forms import PlainForm
from portico.api.models import KeyRole
from portico.practices.roles import ROLE_SUMMARIES

READ_ONLY_SUMMARY = (
    "Reads clients, portal status, email activity and the access history; no writes."
)
EXPIRY_CHOICES = [
    ("", "Never (until revoked)"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In one year"),
]


def role_summary(role: str) -> str:
    return READ_ONLY_SUMMARY if role == KeyRole.READ_ONLY else ROLE_SUMMARIES[role]


class ApiKeyForm(PlainForm):
    name = forms.CharField(
        max_length=100,
        help_text="What uses it, for example: EHR sync. Shown in the access history.",
        error_messages={"required": "Give the key a name, for example: EHR sync."},
    )
    role = forms.ChoiceField(
        choices=[(value, f"{label} — {role_summary(value)}") for value, label in KeyRole.choices],
        initial=KeyRole.READ_ONLY,
        widget=forms.RadioSelect,
        help_text="What the key may do: the same rules as a staff member with this role.",
        error_messages={"required": "Choose what the key may do."},
    )
    expires_in_days = forms.ChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        required=False,
        help_text="After this the key stops working; you can revoke it at any time.",
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise ValidationError("Give the key a name, for example: EHR sync.", code="required")
        return name

    def expires_at(self, now: datetime) -> datetime | None:
        days = self.cleaned_data.get("expires_in_days")
        if not days:
            return None
        return now + timedelta(days=int(days))
