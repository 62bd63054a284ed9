"""Forms for the People tab and the coming-of-age review: parse and check, write nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy

from portico.clients.contact_actions import CONSENT_KINDS, NEEDS_EMAIL
from portico.clients.forms import (
    EmailHintMixin,
    FocusFirstErrorMixin,
    _email_field,
    clean_phone,
    language_field,
)
from portico.clients.models import Contact, Relationship


class ContactForm(EmailHintMixin, FocusFirstErrorMixin, forms.Form):
    # In the typo hint: "If this person really uses …"
    hint_person = pgettext_lazy("staff", "this person")

    first_name = forms.CharField(
        label=pgettext_lazy("staff", "First name"),
        max_length=80,
        error_messages={"required": pgettext_lazy("staff", "Enter the contact's first name.")},
    )
    last_name = forms.CharField(
        label=pgettext_lazy("staff", "Last name"),
        max_length=80,
        error_messages={"required": pgettext_lazy("staff", "Enter the contact's last name.")},
    )
    relationship = forms.ChoiceField(
        label=pgettext_lazy("staff", "Relationship to the client"),
        choices=[("", pgettext_lazy("staff", "Choose…")), *Relationship.choices],
        error_messages={
            "required": pgettext_lazy("staff", "Choose how this person is related to the client.")
        },
    )
    relationship_note = forms.CharField(
        label=pgettext_lazy("staff", "Relationship, in words"),
        max_length=80,
        required=False,
        help_text=pgettext_lazy(
            "staff", "For example: grandmother. Needed when the relationship is Other."
        ),
    )
    email = _email_field(required=False)
    phone = forms.CharField(
        label=pgettext_lazy("staff", "Phone"),
        max_length=40,
        required=False,
        help_text=pgettext_lazy("staff", "Optional. Digits, spaces and + ( ) - . are fine."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    is_primary = forms.BooleanField(
        label=pgettext_lazy("staff", "Primary contact"),
        required=False,
        help_text=pgettext_lazy(
            "staff", "A primary contact acts for the client (usually a parent or guardian)."
        ),
    )
    portal_access_enabled = forms.BooleanField(
        label=pgettext_lazy("staff", "Portal access enabled"),
        required=False,
        help_text=pgettext_lazy(
            "staff", "On: this person can get their own invitation and sign in for the client."
        ),
    )
    email_notifications_enabled = forms.BooleanField(
        label=pgettext_lazy("staff", "Email notifications enabled"),
        required=False,
        initial=True,
        help_text=pgettext_lazy(
            "staff", "Off: no notification emails (new messages, reminders) go to this person."
        ),
    )
    language = language_field(
        pgettext_lazy(
            "staff", "The language of this person's portal and emails. They can change it."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = pgettext_lazy(
            "staff", "Needed for portal access: the invitation goes here."
        )

    def clean_first_name(self) -> str:
        return str(self.cleaned_data["first_name"]).strip()

    def clean_last_name(self) -> str:
        return str(self.cleaned_data["last_name"]).strip()

    def clean_relationship_note(self) -> str:
        return str(self.cleaned_data.get("relationship_note", "")).strip()

    def clean_phone(self) -> str:
        return clean_phone(str(self.cleaned_data.get("phone", "")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("relationship") == Relationship.OTHER and not data.get("relationship_note"):
            self.add_error(
                "relationship_note",
                ValidationError(
                    pgettext("staff", "Say how this person is related, for example: grandmother."),
                    code="required",
                ),
            )
        if (
            data.get("portal_access_enabled")
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", ValidationError(NEEDS_EMAIL, code="needs_email"))
        return data

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


def contact_initial(contact: Contact) -> dict[str, Any]:
    """The form's starting values (the portal access switch is kept by portico.access)."""
    return {
        name: getattr(contact, name)
        for name in ContactForm.base_fields
        if name != "portal_access_enabled"
    }


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in CONSENT_KINDS])
    given = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda value: value == "yes"
    )


DECISIONS = [
    ("keep", pgettext_lazy("staff", "Keep access")),
    ("end", pgettext_lazy("staff", "End access")),
]


class ComingOfAgeReviewForm(forms.Form):
    """One Keep/End choice per contact with portal access, and the client's own invitation."""

    invite_client = forms.BooleanField(required=False)

    def __init__(self, *args: Any, contacts: list[Contact], client_name: str, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.contacts = contacts
        self.fields["invite_client"].label = pgettext(
            "staff", "Turn on %(name)s's own portal access and send the invitation"
        ) % {"name": client_name}
        for contact in contacts:
            self.fields[f"contact_{contact.public_id}"] = forms.ChoiceField(
                label=pgettext("staff", "%(name)s (%(relationship)s)")
                % {
                    "name": contact.full_name,
                    "relationship": str(contact.get_relationship_display()).lower(),
                },
                choices=DECISIONS,
                widget=forms.RadioSelect,
                error_messages={
                    "required": pgettext("staff", "Choose Keep access or End access for %(name)s.")
                    % {"name": contact.full_name}
                },
            )

    def contact_fields(self) -> list[tuple[Contact, forms.BoundField]]:
        return [(contact, self[f"contact_{contact.public_id}"]) for contact in self.contacts]

    def decisions(self) -> tuple[list[Contact], list[Contact]]:
        """(contacts to keep, contacts to end) as decided."""
        keep = [c for c in self.contacts if self.cleaned_data[f"contact_{c.public_id}"] == "keep"]
        end = [c for c in self.contacts if self.cleaned_data[f"contact_{c.public_id}"] == "end"]
        return keep, end
