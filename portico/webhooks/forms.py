from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import pgettext_lazy

from portico.webhooks.addresses import check_endpoint_url
from portico.webhooks.events import EventType
from portico.webhooks.models import WebhookEndpoint


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=pgettext_lazy("staff", "Address (URL)"),
        max_length=500,
        help_text=pgettext_lazy(
            "staff", "The https:// address of the system that receives the events."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/portico-events"}),
    )
    description = forms.CharField(
        label=pgettext_lazy("staff", "Description"),
        max_length=200,
        required=False,
        help_text=pgettext_lazy("staff", "Optional: what it is for."),
    )
    event_types = forms.MultipleChoiceField(
        label=pgettext_lazy("staff", "Events to send"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": pgettext_lazy("staff", "Choose at least one event to send.")},
    )
    enabled = forms.BooleanField(
        label=pgettext_lazy("staff", "Send events to this address"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint, data: Any = None) -> EndpointForm:
        return cls(
            data,
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                "enabled": endpoint.enabled,
            },
        )

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            return check_endpoint_url(url)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
