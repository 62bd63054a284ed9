"""Forms: weekly hours, exceptions, bookable types, the practice's rules, the portal booking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms

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

TIME_FORMATS = ["%H:%M", "%I:%M %p", "%I:%M%p"]


def _time(label: str, what: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=TIME_FORMATS,
        error_messages={
            "required": f"Enter the {what} time.",
            "invalid": "Enter the time like 9:00 AM (or 09:00).",
        },
    )


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={"required": "Enter the date.", "invalid": "Enter the date as MM/DD/YYYY."},
    )


class ChooseClinicianForm(PlainForm):
    clinician = ClinicianChoice(
        label="Clinician",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a clinician of this practice."},
    )

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians  # type: ignore[attr-defined]


class WeeklyWindowForm(PlainForm):
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": "Choose a day of the week."},
    )
    start = _time("From", "start")
    end = _time("Until", "end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The end must be later than the start.")
        return data


class ExceptionForm(PlainForm):
    kind = forms.ChoiceField(
        label="What changes",
        choices=ExceptionKind.choices,
        widget=forms.RadioSelect,
        initial=ExceptionKind.UNAVAILABLE,
        error_messages={"required": "Choose days off or extra hours."},
    )
    first_day = _date("Date (first day)")
    last_day = _date(
        "Last day", required=False, help_text="For several days off. Empty: just the one date."
    )
    start = _time("Extra hours from", "start", required=False)
    end = _time("Extra hours until", "end", required=False)


class BookableTypeForm(PlainForm):
    name = forms.CharField(
        label="Name shown to clients",
        max_length=80,
        help_text="Plain and general, for example “Video session, 50 minutes”. No diagnosis, "
        "reason or treatment: clients and their families read it.",
        error_messages={"required": "Enter the name clients see."},
    )
    kind = forms.ChoiceField(
        label="How",
        choices=AppointmentKind.choices,
        widget=forms.RadioSelect,
        initial=AppointmentKind.VIDEO,
        error_messages={"required": "Choose in person or video."},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        initial=50,
        min_value=5,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "required": "Enter the length in minutes.",
            "invalid": "Enter the length as a whole number of minutes, like 50.",
            "min_value": "The length must be at least 5 minutes.",
            "max_value": "The length can be at most 8 hours (480 minutes).",
        },
    )
    location = forms.CharField(label="Location or room (in person)", max_length=120, required=False)


class SchedulingSettingsForm(PlainForm):
    minimum_notice_hours = forms.IntegerField(
        label="Clients can book up to this many hours before",
        min_value=0,
        max_value=MAX_NOTICE_HOURS,
        help_text=f"0 to {MAX_NOTICE_HOURS} hours (two weeks). Default 24.",
        error_messages={
            "required": "Enter the minimum notice in hours.",
            "invalid": "Enter a whole number of hours, like 24.",
            "min_value": "The notice cannot be negative.",
            "max_value": f"The notice can be at most {MAX_NOTICE_HOURS} hours (two weeks).",
        },
    )
    horizon_days = forms.IntegerField(
        label="Clients can book this many days ahead",
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        help_text=f"1 to {MAX_HORIZON_DAYS} days. Default 30.",
        error_messages={
            "required": "Enter how many days ahead clients can book.",
            "invalid": "Enter a whole number of days, like 30.",
            "min_value": "Clients must be able to book at least 1 day ahead.",
            "max_value": f"At most {MAX_HORIZON_DAYS} days ahead.",
        },
    )
    requires_approval = forms.BooleanField(
        label="Staff approve each appointment clients book", required=False
    )


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
