"""Forms: a video room address (https only), the practice's telehealth rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.appointments.rooms import MAX_ROOM_URL, check_room_url

ROOM_HELP = pgettext_lazy(
    "staff",
    "The https address of the room in the service you already use: Zoom, Doxy.me, "
    "Google Meet, Jitsi or another. Clients never see it until they press Join. Leave it empty "
    "to remove it.",
)


class RoomForm(PlainForm):
    url = forms.CharField(
        label=pgettext_lazy("staff", "Video room address"),
        required=False,
        max_length=MAX_ROOM_URL + 100,  # a longer one gets the plain sentence from check_room_url
        help_text=ROOM_HELP,
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["url"].label = label

    def clean_url(self) -> str:
        try:
            return check_room_url(self.cleaned_data.get("url") or "")
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class TelehealthRulesForm(RoomForm):
    consent_for_adults = forms.BooleanField(
        label=pgettext_lazy("staff", "Adult clients need telehealth consent recorded too"),
        required=False,
        help_text=pgettext_lazy(
            "staff",
            "Minors always need it: the consent of the parent or guardian who joins for them. "
            "Record consent on the client's Appointments page or on the People tab.",
        ),
    )
