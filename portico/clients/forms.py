"""Forms for the staff client screens: parse and check input, write nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext, pgettext_lazy

from portico.clients.actions import DETAIL_FIELDS
from portico.clients.emails import normalize_email, suggest_email_fix

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# One rule set for every date of birth typed into Portico, by staff or by a client.
# (The welcome journey shows its own, translated message: portico.access.forms.)
DOB_HELP = pgettext_lazy("staff", "As MM/DD/YYYY, for example 07/04/1985.")
DOB_REQUIRED = pgettext_lazy(
    "staff", "Enter the date of birth as MM/DD/YYYY, for example 07/04/1985."
)
# The portal access switch shown with the details (kept by portico.access, not on the client).
PORTAL_FIELD = "portal_access_enabled"
MAX_AGE_YEARS = 120
EARLIEST_BIRTH_YEAR = 1900
PHONE_CHARACTERS = re.compile(r"^[0-9 +().\-]*$")


class FocusFirstErrorMixin:
    """Put the cursor on the first field with an error, with no JavaScript (autofocus)."""

    fields: dict[str, forms.Field]
    # True when the only thing to decide is a typo hint: its "Use …" button gets focus.
    focus_hint = False

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors: Any = self.errors  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name in errors:
                codes = {error.code for error in errors.as_data()[name]}
                if codes == {"typo_hint"}:
                    self.focus_hint = True
                else:
                    field.widget.attrs["autofocus"] = True
                break


def parse_date_of_birth(typed: str) -> date:
    """MM/DD/YYYY (what clients are told; M/D/YYYY too) or YYYY-MM-DD, spaces ignored.

    Raises ValidationError naming the expected format (code "format" or "not_a_date").
    """
    text = re.sub(r"\s+", "", typed)
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValidationError(
            pgettext(
                "staff",
                "Enter the date of birth as MM/DD/YYYY, for example 07/04/1985. "
                "(%(typed)s is not in that format.)",
            )
            % {"typed": text},
            code="format",
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            pgettext(
                "staff",
                "%(typed)s is not a real date. "
                "Enter the date of birth as MM/DD/YYYY, for example 07/04/1985.",
            )
            % {"typed": text},
            code="not_a_date",
        ) from None


class DateOfBirthField(forms.CharField):
    """A date of birth typed as MM/DD/YYYY (what clients are told) or YYYY-MM-DD."""

    def __init__(self, *, today: date, **kwargs: Any) -> None:
        self.today = today
        kwargs.setdefault("help_text", DOB_HELP)
        kwargs.setdefault("error_messages", {"required": DOB_REQUIRED})
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "size": 12, "maxlength": 12}
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return value.strftime("%m/%d/%Y")
        return value

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        if not text.strip():
            return None
        parsed = parse_date_of_birth(text)
        if parsed > self.today:
            raise ValidationError(
                pgettext(
                    "staff", "The date of birth is in the future. Check the year (MM/DD/YYYY)."
                ),
                code="future",
            )
        earliest = max(
            date(EARLIEST_BIRTH_YEAR, 1, 1),
            date(self.today.year - MAX_AGE_YEARS, 1, 1),
        )
        if parsed < earliest:
            raise ValidationError(
                pgettext(
                    "staff",
                    "That would make the client more than %(years)d years old "
                    "(born before %(earliest)s). Check the year (MM/DD/YYYY).",
                )
                % {"years": MAX_AGE_YEARS, "earliest": f"{earliest:%m/%d/%Y}"},
                code="too_old",
            )
        return parsed


def language_field(help_text: StrOrPromise) -> forms.ChoiceField:
    """A person's language: their portal pages and emails (portico.portal.language);
    staff pages stay English. Left out (the API), it stays as it is."""
    return forms.ChoiceField(
        label=pgettext_lazy("staff", "Language"),
        choices=settings.LANGUAGES,
        initial="en",
        required=False,
        help_text=help_text,
    )


def clean_phone(value: str) -> str:
    phone = value.strip()
    if not phone:
        return ""
    if not PHONE_CHARACTERS.match(phone):
        raise ValidationError(
            gettext("Use only digits, spaces and + ( ) - . in a phone number."), code="characters"
        )
    digits = sum(ch.isdigit() for ch in phone)
    if not 7 <= digits <= 20:
        raise ValidationError(
            gettext("A phone number has 7 to 20 digits; this one has %(digits)s.")
            % {"digits": digits},
            code="digits",
        )
    return phone


class EmailHintMixin:
    """An ``email`` field that stops once on a likely typo (gmial.com) until staff choose.

    Works without JavaScript: the form comes back with "Did you mean …?" and two
    submit buttons named ``email_decision`` ("use" / "keep"); the hidden
    ``email_hint_for`` says which typed address the choice is about, so editing
    the address again brings a fresh check.
    """

    data: Any
    email_hint: str | None = None
    email_typed: str = ""

    def clean_email(self) -> str:
        raw = self.cleaned_data.get("email", "")  # type: ignore[attr-defined]
        if not raw:
            return ""
        address = normalize_email(raw)
        suggestion = suggest_email_fix(address)
        if suggestion is None:
            return address
        decided_for = str(self.data.get("email_hint_for", ""))
        decision = str(self.data.get("email_decision", ""))
        if decided_for == address and decision == "use":
            return normalize_email(suggestion)
        if decided_for == address and decision == "keep":
            return address
        self.email_hint = suggestion
        self.email_typed = address
        raise ValidationError(
            pgettext(
                "staff", "Did you mean %(suggestion)s? Choose below; nothing is saved until you do."
            )
            % {"suggestion": suggestion},
            code="typo_hint",
        )


EMAIL_LABEL = pgettext_lazy("staff", "Email address")


def _email_field(*, required: bool, label: StrOrPromise = EMAIL_LABEL) -> forms.CharField:
    # A text input, not type=email: the browser must not block what we explain better.
    return forms.CharField(
        label=label,
        required=required,
        max_length=254,
        template_name="clients/_email_field.html",  # type: ignore[call-arg]  # stubs lag Django 5
        error_messages={"required": pgettext_lazy("staff", "Enter the email address.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "email", "spellcheck": "false"}
        ),
    )


class ClientDetailsForm(FocusFirstErrorMixin, forms.Form):
    """Names, date of birth, phone and the two toggles (add and edit share it)."""

    first_name = forms.CharField(
        label=pgettext_lazy("staff", "First name"),
        max_length=80,
        error_messages={"required": pgettext_lazy("staff", "Enter the client's first name.")},
    )
    last_name = forms.CharField(
        label=pgettext_lazy("staff", "Last name"),
        max_length=80,
        error_messages={"required": pgettext_lazy("staff", "Enter the client's last name.")},
    )
    preferred_name = forms.CharField(
        label=pgettext_lazy("staff", "Preferred name"),
        max_length=80,
        required=False,
        help_text=pgettext_lazy(
            "staff", "Optional. Used to greet the client in emails and the portal."
        ),
    )
    date_of_birth = forms.CharField()  # replaced in __init__ (needs today's date)
    phone = forms.CharField(
        label=pgettext_lazy("staff", "Phone"),
        max_length=40,
        required=False,
        help_text=pgettext_lazy("staff", "Optional. Digits, spaces and + ( ) - . are fine."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    portal_access_enabled = forms.BooleanField(
        required=False,
        initial=True,
        label=pgettext_lazy("staff", "Portal access enabled"),
        help_text=pgettext_lazy(
            "staff", "Off: the client cannot sign in to the portal, and no invitation can be sent."
        ),
    )
    email_notifications_enabled = forms.BooleanField(
        required=False,
        initial=True,
        label=pgettext_lazy("staff", "Email notifications enabled"),
        help_text=pgettext_lazy(
            "staff", "Off: no notification emails (new messages, reminders) go to the client."
        ),
    )
    language = language_field(
        pgettext_lazy(
            "staff", "The language of the client's portal and emails. The client can change it."
        )
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"] = DateOfBirthField(
            today=today, label=pgettext_lazy("staff", "Date of birth")
        )
        email = ["email"] if "email" in self.fields else []
        self.order_fields([*DETAIL_FIELDS[:-1], *email, PORTAL_FIELD, DETAIL_FIELDS[-1]])

    def clean_first_name(self) -> str:
        return str(self.cleaned_data["first_name"]).strip()

    def clean_last_name(self) -> str:
        return str(self.cleaned_data["last_name"]).strip()

    def clean_preferred_name(self) -> str:
        return str(self.cleaned_data["preferred_name"]).strip()

    def clean_phone(self) -> str:
        return clean_phone(str(self.cleaned_data.get("phone", "")))

    def details(self) -> dict[str, Any]:
        language = self.cleaned_data.get("language")
        return {name: self.cleaned_data[name] for name in (*DETAIL_FIELDS, PORTAL_FIELD)} | (
            {"language": language} if language else {}
        )


class AddClientForm(EmailHintMixin, ClientDetailsForm):
    email = _email_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = pgettext_lazy(
            "staff", "Optional. The portal invitation goes to this address; you can add more later."
        )


class ClientEmailForm(EmailHintMixin, FocusFirstErrorMixin, forms.Form):
    email = _email_field(required=True)


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("staff", "Search clients"),
        required=False,
        max_length=100,
        help_text=pgettext_lazy(
            "staff", "The start of a first, last or preferred name, or of an email address."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    archived = forms.BooleanField(
        label=pgettext_lazy("staff", "Show archived clients only"), required=False
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)
