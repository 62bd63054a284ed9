"""Forms for practice settings and staff; every rule has its own plain message."""

from __future__ import annotations

import re
import zoneinfo
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.practices.models import LinkLifetime, PortalFeature, Practice, Role, SignInIdentifier
from portico.practices.roles import ROLE_SUMMARIES

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

_PHONE = re.compile(r"^\+?[0-9 ().\-]{7,25}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
_TIMEZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})

# What clients get from each portal feature, in one line (the settings page's checkboxes).
# A feature not described here shows its model label, which says the same in short.
FEATURE_DESCRIPTIONS: dict[str, StrPromise] = {
    PortalFeature.FORMS: pgettext_lazy(
        "staff",
        "Forms: clients fill in and sign the forms you give them, starting with your intake forms.",
    ),
    PortalFeature.MESSAGES: pgettext_lazy(
        "staff",
        "Secure messages: clients write to you and read your replies; "
        "emails only say that a message is waiting.",
    ),
    PortalFeature.PROFILE: pgettext_lazy(
        "staff",
        "Profile: clients check and update their preferred name, pronouns, "
        "address, phone and emergency contact.",
    ),
    PortalFeature.INSURANCE: pgettext_lazy(
        "staff", "Insurance: clients enter their insurance details and photos of their card."
    ),
    PortalFeature.APPOINTMENTS: pgettext_lazy(
        "staff",
        "Appointments: clients see their upcoming and past "
        "appointments, add them to their calendar and cancel in time; emails confirm and remind.",
    ),
    PortalFeature.TELEHEALTH: pgettext_lazy(
        "staff",
        "Telehealth: clients join video sessions from the portal, in your "
        "video service, once their consent and portal access allow it.",
    ),
    PortalFeature.SELF_SCHEDULING: pgettext_lazy(
        "staff",
        "Self-scheduling: clients book open times your clinicians "
        "publish, within the notice and horizon you set (with your approval if you wish).",
    ),
    PortalFeature.DOCUMENTS: pgettext_lazy(
        "staff",
        "Documents: clients open statements, receipts and letters you share "
        "and upload the documents you ask for.",
    ),
}


def feature_choices() -> list[tuple[str, str]]:
    return [
        (feature.value, str(FEATURE_DESCRIPTIONS.get(feature.value, feature.label)))
        for feature in PortalFeature
    ]


def _email_field(
    label: StrPromise, help_text: StrPromise, *, required: bool = False
) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=254,
        error_messages={
            "invalid": pgettext_lazy("staff", "Enter an email address like office@example.com."),
            "required": pgettext_lazy("staff", "Enter an email address."),
            "max_length": pgettext_lazy(
                "staff", "This email address is too long (at most 254 characters)."
            ),
        },
    )


def _minutes_field(label: StrPromise, help_text: StrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=5,
        max_value=240,
        error_messages={
            "required": pgettext_lazy("staff", "Enter a number of minutes between 5 and 240."),
            "invalid": pgettext_lazy("staff", "Enter a whole number of minutes, for example 15."),
            "min_value": pgettext_lazy(
                "staff", "Use at least 5 minutes: shorter signs people out while they read."
            ),
            "max_value": pgettext_lazy("staff", "Use at most 240 minutes (4 hours)."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _lifetime_field(label: StrPromise, help_text: StrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=LinkLifetime.choices,
        coerce=int,
        error_messages={
            "required": pgettext_lazy("staff", "Choose how long the link stays valid."),
            "invalid_choice": (
                pgettext_lazy(
                    "staff",
                    "Choose one of the listed lengths: 24 hours, 36 hours, 48 hours or 1 week.",
                )
            ),
        },
    )


class PracticeSettingsForm(PlainForm):
    name = forms.CharField(
        label=pgettext_lazy("staff", "Practice name"),
        max_length=120,
        help_text=pgettext_lazy(
            "staff", "Shown to clients on every portal page and in every email."
        ),
        error_messages={
            "required": pgettext_lazy("staff", "Enter the practice name."),
            "max_length": pgettext_lazy(
                "staff", "Keep the practice name to 120 characters or fewer."
            ),
        },
    )
    timezone = forms.ChoiceField(
        label=pgettext_lazy("staff", "Time zone"),
        choices=[(zone, zone.replace("_", " ")) for zone in _TIMEZONES],
        help_text=pgettext_lazy(
            "staff", "Times in emails and on staff pages (link expiry, sign-ins) use this zone."
        ),
        error_messages={
            "required": pgettext_lazy("staff", "Choose the practice's time zone."),
            "invalid_choice": pgettext_lazy(
                "staff", "Choose a time zone from the list, for example America/New_York."
            ),
        },
    )
    phone = forms.CharField(
        label=pgettext_lazy("staff", "Phone shown to clients"),
        required=False,
        max_length=40,
        help_text=pgettext_lazy(
            "staff",
            "Clients see it when a link has expired or they are locked out, so they can call.",
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the phone number to 40 characters or fewer.")
        },
    )
    email = _email_field(
        pgettext_lazy("staff", "Email shown to clients"),
        pgettext_lazy(
            "staff", "Clients see it next to the phone number when they need help getting in."
        ),
    )
    invite_lifetime_hours = _lifetime_field(
        pgettext_lazy("staff", "Client invitations stay valid for"),
        pgettext_lazy(
            "staff",
            "After this, the invitation link stops working and staff resend it. "
            "Longer is easier for clients; shorter is safer if an inbox is shared.",
        ),
    )
    reset_lifetime_hours = _lifetime_field(
        pgettext_lazy("staff", "Password-reset links stay valid for"),
        pgettext_lazy("staff", "How long a “Forgot password?” or staff-sent reset link works."),
    )
    dob_check = forms.BooleanField(
        label=pgettext_lazy(
            "staff", "Ask for the date of birth when a client sets up their account"
        ),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "Checks that the person opening the invitation is the client. "
            "Recommended: an invitation can reach the wrong inbox.",
        ),
    )
    sign_in_identifier = forms.ChoiceField(
        label=pgettext_lazy("staff", "Clients sign in with"),
        choices=SignInIdentifier.choices,
        widget=forms.RadioSelect,
        help_text=pgettext_lazy(
            "staff",
            "Email: clients use the invited address. Username: clients choose a "
            "username when they set up their account (useful when family members share an email).",
        ),
        error_messages={
            "required": pgettext_lazy("staff", "Choose how clients sign in."),
            "invalid_choice": pgettext_lazy("staff", "Choose email address or username."),
        },
    )
    invite_on_add = forms.BooleanField(
        label=pgettext_lazy(
            "staff", "Send the portal invitation when a client with an email address is added"
        ),
        required=False,
        help_text=pgettext_lazy("staff", "Off: staff send each invitation from the client's page."),
    )
    portal_features = forms.TypedMultipleChoiceField(
        label=pgettext_lazy("staff", "Portal features clients can use"),
        choices=feature_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=pgettext_lazy(
            "staff",
            "A feature that is off is hidden from the portal and its pages do not open. "
            "Staff can still prepare things for it on the client's page.",
        ),
        error_messages={"invalid_choice": pgettext_lazy("staff", "Choose features from the list.")},
    )
    intake_auto_assign = forms.BooleanField(
        label=pgettext_lazy("staff", "Give every new client the practice's intake forms"),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "They are waiting for the client right after they set up their account. "
            "Off: staff send each form from the client's page.",
        ),
    )
    profile_changes_reviewed = forms.BooleanField(
        label=pgettext_lazy(
            "staff", "Changes clients make to their profile or insurance wait for staff review"
        ),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "Staff accept or reject each changed detail on the client's page. "
            "Off: changes apply at once (each one is still recorded).",
        ),
    )
    staff_idle_minutes = _minutes_field(
        pgettext_lazy("staff", "Sign staff out after this many idle minutes"),
        pgettext_lazy(
            "staff", "Between 5 and 240. Protects client records on a shared front-desk computer."
        ),
    )
    client_idle_minutes = _minutes_field(
        pgettext_lazy("staff", "Sign clients out after this many idle minutes"),
        pgettext_lazy(
            "staff", "Between 5 and 240. Clients are also signed out 12 hours after signing in."
        ),
    )
    age_of_majority = forms.IntegerField(
        label=pgettext_lazy("staff", "Age of majority"),
        min_value=16,
        max_value=21,
        help_text=pgettext_lazy(
            "staff",
            "Between 16 and 21. Clients younger than this are minors: "
            "their guardians act for them in the portal.",
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": pgettext_lazy("staff", "Enter an age between 16 and 21."),
            "invalid": pgettext_lazy("staff", "Enter the age as a whole number, for example 18."),
            "min_value": pgettext_lazy("staff", "Enter an age between 16 and 21."),
            "max_value": pgettext_lazy("staff", "Enter an age between 16 and 21."),
        },
    )
    sender_name = forms.CharField(
        label=pgettext_lazy("staff", "Sender name on emails"),
        required=False,
        max_length=80,
        help_text=pgettext_lazy(
            "staff",
            "What clients see as the sender, for example “Maple Counseling”. "
            "Leave blank to use the practice name.",
        ),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the sender name to 80 characters or fewer.")
        },
    )
    reply_to = _email_field(
        pgettext_lazy("staff", "Replies to emails go to"),
        pgettext_lazy(
            "staff",
            "When a client replies to an invitation or reset email, the reply goes here. "
            "Leave blank to use the email shown to clients.",
        ),
    )

    unopened_invitation_days = forms.IntegerField(
        label=pgettext_lazy(
            "staff", "List an invitation delivered but not opened after this many days"
        ),
        min_value=1,
        max_value=60,
        help_text=pgettext_lazy(
            "staff",
            "Between 1 and 60. Such clients appear on Access problems, "
            "so someone can call them or check the address.",
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": pgettext_lazy("staff", "Enter a number of days between 1 and 60."),
            "invalid": pgettext_lazy(
                "staff", "Enter the number of days as a whole number, for example 7."
            ),
            "min_value": pgettext_lazy("staff", "Enter a number of days between 1 and 60."),
            "max_value": pgettext_lazy("staff", "Enter a number of days between 1 and 60."),
        },
    )
    weekly_access_summary = forms.BooleanField(
        label=pgettext_lazy(
            "staff", "Email owners and administrators a weekly count of clients who cannot sign in"
        ),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "Monday morning, only when someone is stuck. It holds a count and a link, never names.",
        ),
    )
    require_staff_two_factor = forms.BooleanField(
        label=pgettext_lazy("staff", "Require two-factor sign-in for staff"),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "Staff confirm each sign-in with a passkey, a security key or an "
            "authenticator app. Staff without one set it up right after their password.",
        ),
    )
    require_client_two_factor = forms.BooleanField(
        label=pgettext_lazy("staff", "Require two-factor sign-in for clients and contacts"),
        required=False,
        help_text=pgettext_lazy(
            "staff", "Off: clients may still turn it on for themselves in the portal."
        ),
    )

    @classmethod
    def for_practice(cls, practice: Practice, data: Any = None) -> PracticeSettingsForm:
        initial = {name: getattr(practice, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(pgettext("staff", "Enter the practice name."))
        return name

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError(
                pgettext(
                    "staff",
                    "Enter a phone number with digits, spaces and + ( ) - only, "
                    "for example (555) 123-4567 or +1 555 123 4567.",
                )
            )
        return phone

    def clean_sender_name(self) -> str:
        name: str = self.cleaned_data["sender_name"].strip()
        if any(char in name for char in '<>@"\r\n'):
            raise ValidationError(
                pgettext(
                    "staff",
                    "The sender name cannot contain < > @ or quotation marks: "
                    "use the practice's name.",
                )
            )
        return name

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_reply_to(self) -> str:
        return str(self.cleaned_data["reply_to"]).strip().lower()


def role_choices_with_summaries() -> list[tuple[str, str]]:
    """Each role with what it may do, in the language of the request (a callable choice)."""
    return [
        (
            value,
            pgettext("staff", "%(role)s — %(summary)s")
            % {"role": label, "summary": ROLE_SUMMARIES[value]},
        )
        for value, label in Role.choices
    ]


class InviteStaffForm(PlainForm):
    first_name = forms.CharField(
        label=pgettext_lazy("staff", "First name"),
        max_length=80,
        error_messages={
            "required": pgettext_lazy("staff", "Enter their first name."),
            "max_length": pgettext_lazy("staff", "Keep the first name to 80 characters or fewer."),
        },
    )
    last_name = forms.CharField(
        label=pgettext_lazy("staff", "Last name"),
        max_length=80,
        error_messages={
            "required": pgettext_lazy("staff", "Enter their last name."),
            "max_length": pgettext_lazy("staff", "Keep the last name to 80 characters or fewer."),
        },
    )
    email = forms.EmailField(
        label=pgettext_lazy("staff", "Work email address"),
        max_length=254,
        help_text=pgettext_lazy(
            "staff", "The invitation goes here. It is also what they sign in with."
        ),
        error_messages={
            "required": pgettext_lazy("staff", "Enter the email address the invitation goes to."),
            "invalid": pgettext_lazy("staff", "Enter an email address like name@example.com."),
        },
    )
    role = forms.ChoiceField(
        label=pgettext_lazy("staff", "Role"),
        choices=role_choices_with_summaries,
        widget=forms.RadioSelect,
        help_text=pgettext_lazy("staff", "What they may do. You can change it later."),
        error_messages={
            "required": pgettext_lazy("staff", "Choose a role."),
            "invalid_choice": pgettext_lazy("staff", "Choose one of the listed roles."),
        },
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_email(self) -> str:
        from portico.accounts.models import User, UserKind

        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(
            practice=self.practice, kind=UserKind.STAFF, email__iexact=email
        ).exists():
            raise ValidationError(
                pgettext(
                    "staff",
                    "Someone on the staff list already uses this email address. "
                    "Use “Resend invitation” next to their name instead.",
                )
            )
        return email


class ChangeRoleForm(PlainForm):
    role = forms.ChoiceField(
        label=pgettext_lazy("staff", "Role"),
        choices=Role.choices,
        error_messages={
            "invalid_choice": pgettext_lazy("staff", "Choose one of the listed roles.")
        },
    )
