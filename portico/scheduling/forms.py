"""Forms: weekly hours, exceptions, bookable types, the practice's rules, the portal booking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import pgettext, pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.accounts.models import User
from portico.appointments.forms import ClinicianChoice
from portico.appointments.models import MAX_DURATION_MINUTES, AppointmentKind
from portico.scheduling.models import (
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    ExceptionKind,
    Weekday,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TIME_FORMATS = ["%H:%M", "%I:%M %p", "%I:%M%p"]


def _time(label: StrPromise, missing: StrPromise, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=TIME_FORMATS,
        error_messages={
            "required": missing,
            "invalid": pgettext_lazy("staff", "Enter the time like 9:00 AM (or 09:00)."),
        },
    )


def _date(
    label: StrPromise, *, required: bool = True, help_text: StrPromise | str = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={
            "required": pgettext_lazy("staff", "Enter the date."),
            "invalid": pgettext_lazy("staff", "Enter the date as MM/DD/YYYY."),
        },
    )


class ChooseClinicianForm(PlainForm):
    clinician = ClinicianChoice(
        label=pgettext_lazy("staff", "Clinician"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": pgettext_lazy("staff", "Choose a clinician of this practice.")
        },
    )

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]


class WeeklyWindowForm(PlainForm):
    weekday = forms.TypedChoiceField(
        label=pgettext_lazy("staff", "Day of the week"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": pgettext_lazy("staff", "Choose a day of the week.")},
    )
    start = _time(pgettext_lazy("staff", "From"), pgettext_lazy("staff", "Enter the start time."))
    end = _time(pgettext_lazy("staff", "Until"), pgettext_lazy("staff", "Enter the end time."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", pgettext("staff", "The end must be later than the start."))
        return data


class ExceptionForm(PlainForm):
    kind = forms.ChoiceField(
        label=pgettext_lazy("staff", "What changes"),
        choices=ExceptionKind.choices,
        widget=forms.RadioSelect,
        initial=ExceptionKind.UNAVAILABLE,
        error_messages={"required": pgettext_lazy("staff", "Choose days off or extra hours.")},
    )
    first_day = _date(pgettext_lazy("staff", "Date (first day)"))
    last_day = _date(
        pgettext_lazy("staff", "Last day"),
        required=False,
        help_text=pgettext_lazy("staff", "For several days off. Empty: just the one date."),
    )
    start = _time(
        pgettext_lazy("staff", "Extra hours from"),
        pgettext_lazy("staff", "Enter the start time."),
        required=False,
    )
    end = _time(
        pgettext_lazy("staff", "Extra hours until"),
        pgettext_lazy("staff", "Enter the end time."),
        required=False,
    )


class BookableTypeForm(PlainForm):
    name = forms.CharField(
        label=pgettext_lazy("staff", "Name shown to clients"),
        max_length=80,
        help_text=pgettext_lazy(
            "staff",
            "Plain and general, for example “Video session, 50 minutes”. No diagnosis, "
            "reason or treatment: clients and their families read it.",
        ),
        error_messages={"required": pgettext_lazy("staff", "Enter the name clients see.")},
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("staff", "How"),
        choices=AppointmentKind.choices,
        widget=forms.RadioSelect,
        initial=AppointmentKind.VIDEO,
        error_messages={"required": pgettext_lazy("staff", "Choose in person or video.")},
    )
    duration_minutes = forms.IntegerField(
        label=pgettext_lazy("staff", "Length in minutes"),
        initial=50,
        min_value=5,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "required": pgettext_lazy("staff", "Enter the length in minutes."),
            "invalid": pgettext_lazy(
                "staff", "Enter the length as a whole number of minutes, like 50."
            ),
            "min_value": pgettext_lazy("staff", "The length must be at least 5 minutes."),
            "max_value": pgettext_lazy("staff", "The length can be at most 8 hours (480 minutes)."),
        },
    )
    location = forms.CharField(
        label=pgettext_lazy("staff", "Location or room (in person)"), max_length=120, required=False
    )


class SchedulingSettingsForm(PlainForm):
    minimum_notice_hours = forms.IntegerField(
        label=pgettext_lazy("staff", "Clients can book up to this many hours before"),
        min_value=0,
        max_value=MAX_NOTICE_HOURS,
        error_messages={
            "required": pgettext_lazy("staff", "Enter the minimum notice in hours."),
            "invalid": pgettext_lazy("staff", "Enter a whole number of hours, like 24."),
            "min_value": pgettext_lazy("staff", "The notice cannot be negative."),
            "max_value": pgettext_lazy(
                "staff", "The notice can be at most %(limit_value)s hours (two weeks)."
            ),
        },
    )
    horizon_days = forms.IntegerField(
        label=pgettext_lazy("staff", "Clients can book this many days ahead"),
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        error_messages={
            "required": pgettext_lazy("staff", "Enter how many days ahead clients can book."),
            "invalid": pgettext_lazy("staff", "Enter a whole number of days, like 30."),
            "min_value": pgettext_lazy(
                "staff", "Clients must be able to book at least 1 day ahead."
            ),
            "max_value": pgettext_lazy("staff", "At most %(limit_value)s days ahead."),
        },
    )
    requires_approval = forms.BooleanField(
        label=pgettext_lazy("staff", "Staff approve each appointment clients book"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minimum_notice_hours"].help_text = pgettext(
            "staff", "0 to %(most)s hours (two weeks). Default 24."
        ) % {"most": MAX_NOTICE_HOURS}
        self.fields["horizon_days"].help_text = pgettext(
            "staff", "1 to %(most)s days. Default 30."
        ) % {"most": MAX_HORIZON_DAYS}


class BookForm(PlainForm):
    """The portal's booking POST: which clinician, which type, which start (UTC, ISO 8601)."""

    clinician = forms.IntegerField()
    type = forms.UUIDField()
    start = forms.CharField(max_length=40)

    def clean_start(self) -> datetime:
        try:
            moment = datetime.fromisoformat(self.cleaned_data["start"])
        except ValueError as error:
            raise forms.ValidationError("Choose one of the open times.") from error
        if moment.tzinfo is None:
            raise forms.ValidationError("Choose one of the open times.")
        return moment.astimezone(UTC)
