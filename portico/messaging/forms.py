from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from portico.accounts.models import User
from portico.messaging.models import MAX_BODY
from portico.messaging.queries import ASSIGNED_ME, ASSIGNED_NOBODY


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=MAX_BODY,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write a message before sending.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = gettext("At most %(limit)s characters.") % {
            "limit": _count(MAX_BODY)
        }

    def clean_body(self) -> str:
        return str(self.cleaned_data["body"])

    def full_clean(self) -> None:
        super().full_clean()
        # Django's own length error is technical; say it the way the page does.
        errors = self.errors.as_data().get("body", [])
        if any(error.code == "max_length" for error in errors):
            length = len(str(self.data.get("body", "")).strip())
            self.errors["body"] = self.error_class(
                [
                    gettext(
                        "Your message is too long: it can have at most %(limit)s characters "
                        "(it has %(length)s). Shorten it, or send it in two parts."
                    )
                    % {"limit": _count(MAX_BODY), "length": _count(length)}
                ]
            )


def _count(number: int) -> str:
    """ "10,000" in English, "10.000" in Spanish."""
    return number_format(number, force_grouping=True)


def _staff_choices(staff: list[User]) -> list[tuple[str, str]]:
    return [(str(user.pk), user.full_name or user.username) for user in staff]


class AssignForm(forms.Form):
    assigned_to = forms.ChoiceField(label=pgettext_lazy("staff", "Assigned to"), required=False)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        field = cast(forms.ChoiceField, self.fields["assigned_to"])
        field.choices = [("", pgettext_lazy("staff", "Nobody")), *_staff_choices(staff)]

    def chosen(self) -> User | None:
        return self.staff.get(self.cleaned_data.get("assigned_to") or "")


class InboxFilterForm(forms.Form):
    assigned = forms.ChoiceField(
        label=pgettext_lazy("staff", "Show conversations assigned to"), required=False
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["assigned"])
        field.choices = [
            ("", pgettext_lazy("staff", "Anyone (all conversations)")),
            (ASSIGNED_ME, pgettext_lazy("staff", "Me")),
            (ASSIGNED_NOBODY, pgettext_lazy("staff", "Nobody yet")),
            *_staff_choices(staff),
        ]

    def chosen(self) -> str:
        if not self.is_valid():
            return ""
        return str(self.cleaned_data.get("assigned") or "")
