"""Forms: book or change an appointment, filter the schedule, the practice's rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import pgettext, pgettext_lazy

from portico.accounts.forms import PlainForm
from portico.accounts.models import User
from portico.appointments.models import (
    MAX_CLIENT_NOTE,
    MAX_DURATION_MINUTES,
    Appointment,
    AppointmentKind,
    AppointmentSettings,
)
from portico.appointments.when import LocalTimeProblem, Occurrence, aware_start, fold_of
from portico.clients.models import Client
from portico.lib.localtime import clock, local
from portico.practices.models import Practice


class ClinicianChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


class ClientChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name}"


class AppointmentForm(PlainForm):
    client = ClientChoice(
        label=pgettext_lazy("staff", "Client"),
        queryset=Client.objects.none(),
        to_field_name="public_id",
        error_messages={
            "required": pgettext_lazy("staff", "Choose the client."),
            "invalid_choice": pgettext_lazy("staff", "Choose a client."),
        },
    )
    clinician = ClinicianChoice(
        label=pgettext_lazy("staff", "Clinician"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": pgettext_lazy("staff", "Choose a clinician of this practice.")
        },
    )
    date = forms.DateField(
        label=pgettext_lazy("staff", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={
            "required": pgettext_lazy("staff", "Enter the date."),
            "invalid": pgettext_lazy("staff", "Enter the date as MM/DD/YYYY."),
        },
    )
    time = forms.TimeField(
        label=pgettext_lazy("staff", "Start time"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        input_formats=["%H:%M", "%I:%M %p", "%I:%M%p"],
        error_messages={
            "required": pgettext_lazy("staff", "Enter the start time."),
            "invalid": pgettext_lazy("staff", "Enter the time like 2:30 PM (or 14:30)."),
        },
    )
    occurrence = forms.ChoiceField(
        label=pgettext_lazy(
            "staff", "This time happens twice that night (the clocks go back). Which one?"
        ),
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=pgettext_lazy("staff", "Length in minutes"),
        initial=50,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "required": pgettext_lazy("staff", "Enter the length in minutes."),
            "invalid": pgettext_lazy(
                "staff", "Enter the length as a whole number of minutes, like 50."
            ),
            "min_value": pgettext_lazy("staff", "The length must be at least 1 minute."),
            "max_value": pgettext_lazy("staff", "The length can be at most 8 hours (480 minutes)."),
        },
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("staff", "How"),
        choices=AppointmentKind.choices,
        initial=AppointmentKind.IN_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": pgettext_lazy("staff", "Choose in person or video.")},
    )
    location = forms.CharField(
        label=pgettext_lazy("staff", "Location or room (optional)"),
        max_length=120,
        required=False,
        help_text=pgettext_lazy(
            "staff", "Shown to the client and in emails, for example “Room 2” or “Main St office”."
        ),
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the location to 120 characters.")
        },
    )
    client_note = forms.CharField(
        label=pgettext_lazy("staff", "Note for the client (optional)"),
        max_length=MAX_CLIENT_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Appointment._meta.get_field("client_note").help_text,
        error_messages={
            "max_length": pgettext_lazy("staff", "Keep the note to %(limit_value)s characters.")
        },
    )

    def __init__(
        self,
        *args: Any,
        practice: Practice,
        clinicians: Any,
        with_client: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.needs_occurrence = False
        self.starts_at: datetime | None = None
        if with_client:
            client_field = cast(forms.ModelChoiceField, self.fields["client"])  # type: ignore[type-arg]
            # Chosen before the form (a search): carried as a hidden id, never a list of
            # every client; validation looks up that one id in the practice.
            client_field.queryset = Client.objects.filter(practice=practice, archived_at=None)
            client_field.widget = forms.HiddenInput()
        else:
            del self.fields["client"]
        clinician_field = cast(forms.ModelChoiceField, self.fields["clinician"])  # type: ignore[type-arg]
        clinician_field.queryset = clinicians
        zone = practice.timezone
        self.fields["time"].help_text = pgettext(
            "staff", "In %(zone)s, the practice's time zone."
        ) % {"zone": zone}
        self._offer_occurrences()

    @classmethod
    def for_appointment(
        cls, appointment: Appointment, data: Any, *, clinicians: Any
    ) -> AppointmentForm:
        practice = appointment.practice
        start = local(practice, appointment.starts_at)
        fold = fold_of(practice, start.date(), start.time())
        initial = {
            "clinician": appointment.clinician_id,
            "date": start.date(),
            "time": start.time(),
            "duration_minutes": appointment.duration_minutes,
            "kind": appointment.kind,
            "location": appointment.location,
            "client_note": appointment.client_note,
        }
        if fold is not None:
            first = fold.first == appointment.starts_at
            initial["occurrence"] = Occurrence.FIRST if first else Occurrence.SECOND
        return cls(
            data, practice=practice, clinicians=clinicians, with_client=False, initial=initial
        )

    def _offer_occurrences(self) -> None:
        """Offer "first" or "second" only when the date and time typed fall in a fold."""
        day, at = self._typed("date"), self._typed("time")
        if day in (None, "") or at in (None, ""):
            return
        try:
            parsed_day = self.fields["date"].clean(day)
            parsed_at = self.fields["time"].clean(at)
        except forms.ValidationError:
            return
        fold = fold_of(self.practice, parsed_day, parsed_at)
        if fold is None:
            return
        self.needs_occurrence = True
        first_zone = local(self.practice, fold.first).tzname()
        second_zone = local(self.practice, fold.second).tzname()
        shown = clock(self.practice, fold.first)
        field = cast(forms.ChoiceField, self.fields["occurrence"])
        field.choices = [
            (
                Occurrence.FIRST,
                pgettext("staff", "The first %(time)s (%(zone)s), before the clocks go back")
                % {"time": shown, "zone": first_zone},
            ),
            (
                Occurrence.SECOND,
                pgettext("staff", "The second %(time)s (%(zone)s), after the clocks go back")
                % {"time": shown, "zone": second_zone},
            ),
        ]

    def _typed(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("date"), cleaned.get("time")
        if day is None or at is None:
            return cleaned
        chosen = cleaned.get("occurrence") or None
        try:
            self.starts_at = aware_start(
                self.practice, day, at, Occurrence(chosen) if chosen else None
            )
        except LocalTimeProblem as problem:
            self.needs_occurrence = problem.ambiguous
            self.add_error("occurrence" if problem.ambiguous else "time", str(problem))
        return cleaned


class ScheduleFilterForm(PlainForm):
    day = forms.DateField(
        label=pgettext_lazy("staff", "Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        error_messages={"invalid": pgettext_lazy("staff", "Enter the date as MM/DD/YYYY.")},
    )
    view = forms.ChoiceField(
        label=pgettext_lazy("staff", "Show"),
        required=False,
        choices=[
            ("day", pgettext_lazy("staff", "One day")),
            ("week", pgettext_lazy("staff", "Seven days")),
        ],
    )
    clinician = ClinicianChoice(
        label=pgettext_lazy("staff", "Clinician"),
        queryset=User.objects.none(),
        required=False,
        empty_label=pgettext_lazy("staff", "Everyone"),
    )

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["clinician"])  # type: ignore[type-arg]
        field.queryset = clinicians


class AppointmentSettingsForm(PlainForm):
    cancellation_notice_hours = forms.IntegerField(
        label=pgettext_lazy(
            "staff", "Clients can cancel in the portal up to this many hours before"
        ),
        help_text=AppointmentSettings._meta.get_field("cancellation_notice_hours").help_text,
        min_value=0,
        max_value=336,
        error_messages={
            "required": pgettext_lazy("staff", "Enter a number of hours, like 24."),
            "invalid": pgettext_lazy("staff", "Enter a whole number of hours, like 24."),
            "min_value": pgettext_lazy("staff", "Enter 0 hours or more."),
            "max_value": pgettext_lazy("staff", "Enter at most 336 hours (two weeks)."),
        },
    )
    reminder_lead_hours = forms.IntegerField(
        label=pgettext_lazy("staff", "Send the reminder email this many hours before"),
        help_text=AppointmentSettings._meta.get_field("reminder_lead_hours").help_text,
        min_value=1,
        max_value=168,
        error_messages={
            "required": pgettext_lazy("staff", "Enter a number of hours, like 24."),
            "invalid": pgettext_lazy("staff", "Enter a whole number of hours, like 24."),
            "min_value": pgettext_lazy("staff", "Enter at least 1 hour."),
            "max_value": pgettext_lazy("staff", "Enter at most 168 hours (one week)."),
        },
    )
