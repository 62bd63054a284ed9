"""Self-scheduling: when each clinician can be booked, what clients may book, the practice's rules.

Weekly windows and exceptions are wall-clock times in the practice's time zone
(``Practice.timezone``): "Mondays 9:00 AM to 5:00 PM" stays 9 to 5 across the
clock changes. Open times are computed from them (portico.scheduling.slots);
nothing is stored per slot.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import pgettext_lazy

from portico.appointments.models import MAX_DURATION_MINUTES, AppointmentKind

MAX_NOTICE_HOURS = 336  # two weeks
MAX_HORIZON_DAYS = 365


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    MONDAY = 0, pgettext_lazy("staff", "Monday")
    TUESDAY = 1, pgettext_lazy("staff", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("staff", "Wednesday")
    THURSDAY = 3, pgettext_lazy("staff", "Thursday")
    FRIDAY = 4, pgettext_lazy("staff", "Friday")
    SATURDAY = 5, pgettext_lazy("staff", "Saturday")
    SUNDAY = 6, pgettext_lazy("staff", "Sunday")


class WeeklyWindow(models.Model):
    """One stretch of a weekday a clinician can be booked; several per day are allowed."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="weekly_windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="window_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["clinician", "weekday"], name="window_clinician_day")]
        ordering = ["weekday", "start", "id"]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.start:%H:%M}-{self.end:%H:%M}"


class ExceptionKind(models.TextChoices):
    UNAVAILABLE = "unavailable", pgettext_lazy("staff", "Not available (whole days)")
    EXTRA = "extra", pgettext_lazy("staff", "Extra hours on one date")


class AvailabilityException(models.Model):
    """Days off (a date or a range of dates), or extra hours on one date."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=12, choices=ExceptionKind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    # Only for extra hours (one date): the stretch added to that day.
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="exception_last_day_not_before_first",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="unavailable", start__isnull=True, end__isnull=True)
                | models.Q(
                    kind="extra",
                    first_day=models.F("last_day"),
                    end__gt=models.F("start"),
                ),
                name="exception_extra_hours_on_one_day",
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "last_day"], name="exception_clinician_last_day")
        ]
        ordering = ["first_day", "start", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_day}..{self.last_day}"

    @property
    def is_extra(self) -> bool:
        return self.kind == ExceptionKind.EXTRA


class BookableType(models.Model):
    """What clients may book with one clinician. The name is shown to clients and must
    say nothing about anyone's health ("Video session, 50 minutes")."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="bookable_types"
    )
    name = models.CharField(
        "name shown to clients",
        max_length=80,
        help_text="Plain and general, for example “Video session, 50 minutes”. "
        "No diagnosis, reason or treatment: clients and their families read it.",
    )
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        "length in minutes",
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    location = models.CharField(
        "location or room", max_length=120, blank=True, help_text="For in-person appointments."
    )
    # Retired types stay for the history; clients no longer see them.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="bookable_type_duration_5_to_480",
            ),
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class SchedulingSettings(models.Model):
    """A practice's self-scheduling rules; made with the defaults the first time they are read."""

    practice = models.OneToOneField(
        "practices.Practice", on_delete=models.CASCADE, related_name="scheduling_settings"
    )
    minimum_notice_hours = models.PositiveSmallIntegerField(
        "clients can book up to this many hours before",
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_NOTICE_HOURS)],
        help_text="0 to 336 hours (two weeks).",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "clients can book this many days ahead",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)],
        help_text="1 to 365 days.",
    )
    requires_approval = models.BooleanField(
        "staff approve each self-booked appointment",
        default=False,
        help_text="Clients see “Requested” until someone approves it on the requests page.",
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Scheduling settings of practice {self.practice_id}"

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(hours=self.minimum_notice_hours)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)
