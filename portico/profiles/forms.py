"""Forms of the profile and insurance pages (portal) and the review page (staff).

Every field has a length limit and a plain error of its own; the same address and
emergency-contact fields appear on the staff Personal information page
(``PersonalInformationForm``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portico.clients.forms import ClientDetailsForm, FocusFirstErrorMixin, clean_phone
from portico.files.kinds import PHOTO_KINDS, kinds_in_words
from portico.files.uploads import MB, CheckedUpload, check_upload
from portico.profiles.fields import TEXT_ATTRIBUTES
from portico.profiles.models import HolderRelationship, PolicyRank

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a label or message, maybe translated lazily

CARD_LIMIT = 10 * MB
US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
POSTAL_CHARACTERS = re.compile(r"^[A-Za-z0-9 \-]+$")
ID_CHARACTERS = re.compile(r"^[A-Za-z0-9 \-]+$")


# Django fills in limit_value and show_value when it shows the message.
TOO_LONG = _("Use at most %(limit_value)d characters (you typed %(show_value)d).")


def _text(
    label: StrOrPromise, max_length: int, help_text: StrOrPromise = "", **kwargs: Any
) -> forms.CharField:
    error_messages: dict[str, StrOrPromise] = {"max_length": TOO_LONG}
    required_message = kwargs.pop("required_message", None)
    if required_message is not None:
        error_messages["required"] = required_message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=kwargs.pop("required", False),
        help_text=help_text,
        error_messages=error_messages,
        **kwargs,
    )


def _tel(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.CharField:
    return _text(
        label,
        40,
        help_text,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class AddressAndEmergencyForm(forms.Form):
    """Pronouns, postal address and emergency contact (portal profile and staff page)."""

    pronouns = _text(_("Pronouns"), 40, _("Optional. For example: she/her, he/him, they/them."))
    address_line1 = _text(
        _("Address line 1"),
        120,
        _("Street and number."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = _text(
        _("Address line 2"),
        120,
        _("Optional. Apartment, suite, unit."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = _text(_("City"), 80, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    region = _text(
        _("State or region"),
        80,
        _("For example: OR."),
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = _text(
        _("ZIP or postal code"),
        20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": 12}),
    )
    country = _text(
        _("Country"),
        2,
        _("Two letters, for example US or CA."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 4}),
    )
    emergency_contact_name = _text(
        _("Emergency contact's name"), 120, _("Someone the practice may call in an emergency.")
    )
    emergency_contact_phone = _tel(_("Emergency contact's phone"))
    emergency_contact_relationship = _text(
        _("Emergency contact's relationship to you"),
        60,
        _("For example: sister, friend, partner."),
    )

    ADDRESS = ("address_line1", "address_line2", "city", "region", "postal_code", "country")
    EMERGENCY = (
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
    )

    def _stripped(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "").strip()

    def clean_pronouns(self) -> str:
        return self._stripped("pronouns")

    def clean_address_line1(self) -> str:
        return self._stripped("address_line1")

    def clean_address_line2(self) -> str:
        return self._stripped("address_line2")

    def clean_city(self) -> str:
        return self._stripped("city")

    def clean_region(self) -> str:
        return self._stripped("region")

    def clean_country(self) -> str:
        country = self._stripped("country").upper() or "US"
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationError(
                _("Enter the country as two letters, for example US or CA."), code="country"
            )
        return country

    def clean_postal_code(self) -> str:
        code = re.sub(r"\s+", " ", self._stripped("postal_code")).upper()
        if code and not POSTAL_CHARACTERS.match(code):
            raise ValidationError(
                _("Use only letters, digits, spaces and - in a ZIP or postal code."),
                code="characters",
            )
        return code

    def clean_emergency_contact_name(self) -> str:
        return self._stripped("emergency_contact_name")

    def clean_emergency_contact_phone(self) -> str:
        return clean_phone(self._stripped("emergency_contact_phone"))

    def clean_emergency_contact_relationship(self) -> str:
        return self._stripped("emergency_contact_relationship")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # US ZIP codes: checked once the country is known.
        code, country = data.get("postal_code"), data.get("country")
        if code and country == "US" and not US_ZIP.match(code):
            self.add_error(
                "postal_code",
                ValidationError(
                    _("A US ZIP code has 5 digits (or 5+4, like 97201-1234)."), code="zip"
                ),
            )
        if data.get("address_line1") and not data.get("city") and "city" not in self.errors:
            self.add_error(
                "city", ValidationError(_("Enter the city of this address."), code="city")
            )
        name = data.get("emergency_contact_name")
        phone = data.get("emergency_contact_phone")
        if name and not phone and "emergency_contact_phone" not in self.errors:
            self.add_error(
                "emergency_contact_phone",
                ValidationError(
                    _("Add a phone number for %(name)s, so the practice can reach them."),
                    code="phone_needed",
                    params={"name": name},
                ),
            )
        if phone and not name and "emergency_contact_name" not in self.errors:
            self.add_error(
                "emergency_contact_name",
                ValidationError(_("Enter whose phone number this is."), code="name_needed"),
            )
        return data


class ProfileForm(FocusFirstErrorMixin, AddressAndEmergencyForm):
    """The portal profile page: what a client (or a parent acting for them) may update."""

    preferred_name = _text(
        _("Preferred name"),
        80,
        _("Optional. The name you like to be called, if not your first name."),
    )
    phone = _tel(_("Phone"), _("Digits, spaces and + ( ) - . are fine."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["preferred_name", "pronouns", "phone"])

    def clean_preferred_name(self) -> str:
        return self._stripped("preferred_name")

    def clean_phone(self) -> str:
        return clean_phone(self._stripped("phone"))

    def groups(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        """Fieldsets of the page, in order."""
        return [
            (_("About you"), [self[name] for name in ("preferred_name", "pronouns", "phone")]),
            (_("Address"), [self[name] for name in self.ADDRESS]),
            (_("Emergency contact"), [self[name] for name in self.EMERGENCY]),
        ]


class PersonalInformationForm(ClientDetailsForm, AddressAndEmergencyForm):
    """Staff's Personal information form, with the fields clients update in the portal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emergency_contact_relationship"].label = pgettext(
            "staff", "Emergency contact's relationship to the client"
        )
        self.fields["pronouns"].help_text = pgettext(
            "staff", "Optional. For example: she/her, they/them."
        )
        names = list(self.fields)
        extras = ["pronouns", *self.ADDRESS, *self.EMERGENCY]
        rest = [name for name in names if name not in extras]
        # After phone, before the switches.
        at = rest.index("phone") + 1
        self.order_fields([*rest[:at], *extras, *rest[at:]])

    def details(self) -> dict[str, Any]:
        extras = ["pronouns", *self.ADDRESS, *self.EMERGENCY]
        return super().details() | {name: self.cleaned_data[name] for name in extras}


class InsuranceForm(FocusFirstErrorMixin, forms.Form):
    """One policy (primary or secondary) with its card photos, in the portal."""

    payer_name = _text(
        _("Insurance company"),
        120,
        _("As printed on the card, for example: Blue Cross."),
        required=True,
        required_message=_("Enter the name of the insurance company."),
    )
    member_id = _text(
        _("Member ID"),
        40,
        _("Letters, digits, spaces and - , as printed on the card."),
        required=True,
        required_message=_("Enter the member ID from the card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    group_number = _text(
        _("Group number"),
        40,
        _("Optional. On the card, often next to “Group” or “Grp”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    holder_relationship = forms.ChoiceField(
        label=_("Who is the policy holder?"),
        choices=HolderRelationship.choices,
        initial=HolderRelationship.SELF,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who holds the policy.")},
    )
    holder_name = _text(
        _("Policy holder's name"), 120, _("Needed when the policy holder is someone else.")
    )
    card_front = forms.FileField(
        label=_("Photo of the card: front"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic"}),
    )
    card_back = forms.FileField(
        label=_("Photo of the card: back"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic"}),
    )
    rank = forms.ChoiceField(choices=PolicyRank.choices, widget=forms.HiddenInput)

    def __init__(self, *args: Any, rank: str, **kwargs: Any) -> None:
        # Two of these forms share the page (primary, secondary): ids must differ.
        kwargs.setdefault("auto_id", f"id_{rank}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**kwargs["initial"], "rank": rank}
        super().__init__(*args, **kwargs)
        self.policy_rank = rank
        photo_help = gettext("Optional. %(kinds)s, up to 10 MB.") % {
            "kinds": kinds_in_words(PHOTO_KINDS)
        }
        self.fields["card_front"].help_text = photo_help
        self.fields["card_back"].help_text = photo_help

    def _id(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "").strip().upper()
        value = re.sub(r"\s+", " ", value)
        if value and not ID_CHARACTERS.match(value):
            raise ValidationError(
                _("Use only letters, digits, spaces and - (as printed on the card)."),
                code="characters",
            )
        return value

    def clean_payer_name(self) -> str:
        return str(self.cleaned_data.get("payer_name") or "").strip()

    def clean_member_id(self) -> str:
        return self._id("member_id")

    def clean_group_number(self) -> str:
        return self._id("group_number")

    def clean_holder_name(self) -> str:
        return str(self.cleaned_data.get("holder_name") or "").strip()

    def _card(self, name: str) -> CheckedUpload | None:
        uploaded = self.cleaned_data.get(name)
        if not uploaded:
            return None
        return check_upload(uploaded, kinds=PHOTO_KINDS, max_bytes=CARD_LIMIT)

    def clean_card_front(self) -> CheckedUpload | None:
        return self._card("card_front")

    def clean_card_back(self) -> CheckedUpload | None:
        return self._card("card_back")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        relationship = data.get("holder_relationship")
        someone_else = relationship and relationship != HolderRelationship.SELF
        if someone_else and not data.get("holder_name") and "holder_name" not in self.errors:
            self.add_error(
                "holder_name",
                ValidationError(
                    _("Enter the policy holder's name (as printed on the card)."),
                    code="holder_needed",
                ),
            )
        return data

    def values(self) -> dict[str, str]:
        return {name: str(self.cleaned_data[name]) for name in TEXT_ATTRIBUTES}


class DecisionForm(forms.Form):
    """Staff's answer to one changed field."""

    decision = forms.ChoiceField(
        choices=[
            ("accept", pgettext_lazy("staff", "Accept")),
            ("reject", pgettext_lazy("staff", "Reject")),
        ]
    )
    reason = _text(
        pgettext_lazy("staff", "Reason (optional)"),
        300,
        pgettext_lazy("staff", "Shown to staff only, in the client's history of changes."),
    )

    def clean_reason(self) -> str:
        return str(self.cleaned_data.get("reason") or "").strip()
