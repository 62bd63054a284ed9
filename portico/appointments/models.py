"""Appointments: one client, one clinician, a start time and a length.

Times are stored in UTC and entered and shown in the practice's time zone
(portico.appointments.when, portico.lib.localtime). ``ends_at`` is kept beside
``starts_at`` so the overlap check is one indexed query on every database.

Telehealth: a video appointment is joined from the portal through the
clinician's ``VideoRoom`` (or the practice's default room); the gate is
``portico.appointments.telehealth.join_state``. ``sequence`` versions the calendar file.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_DURATION_MINUTES = 8 * 60
MAX_CLIENT_NOTE = 500


class AppointmentKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    REQUESTED = "requested", "Requested (waiting for the practice)"  # self-booked, to approve
    CANCELLED = "cancelled", "Cancelled"


class CancelledBy(models.TextChoices):
    CLIENT = "client", pgettext_lazy("staff", "the client's side")
    PRACTICE = "practice", pgettext_lazy("staff", "the practice")


class Appointment(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="appointments"
    )
    clinician = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="appointments_given"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    kind = models.CharField(max_length=12, choices=AppointmentKind.choices)
    location = models.CharField("location or room", max_length=120, blank=True)
    client_note = models.CharField(
        "note for the client",
        max_length=MAX_CLIENT_NOTE,
        blank=True,
        help_text=pgettext_lazy(
            "staff",
            "Shown to the client in the portal (never in emails). Practical things only, "
            "such as “Please arrive 10 minutes early”. Do not write clinical notes here.",
        ),
    )
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_by_side = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    # RFC 5545 SEQUENCE: bumped on every change the client's calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Self-scheduled: the portal access (client or contact) that booked it; None = staff.
    booked_through = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="appointment_duration_1_to_480",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="appt_clinician_start"),
            models.Index(fields=["practice", "starts_at"], name="appt_practice_start"),
            models.Index(fields=["client", "starts_at"], name="appt_client_start"),
            models.Index(
                fields=["starts_at"],
                condition=models.Q(status="booked", reminder_sent_at__isnull=True),
                name="appt_reminder_due",
            ),
        ]
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"Appointment {self.public_id} ({self.status})"

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    @property
    def is_requested(self) -> bool:
        """Self-booked while the practice approves bookings: holds the time, not confirmed."""
        return self.status == AppointmentStatus.REQUESTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED

    @property
    def is_video(self) -> bool:
        return self.kind == AppointmentKind.VIDEO

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class AppointmentSettings(models.Model):
    """A practice's appointment rules; made with the defaults the first time they are read."""

    practice = models.OneToOneField(
        "practices.Practice", on_delete=models.CASCADE, related_name="appointment_settings"
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "clients can cancel in the portal until this many hours before",
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(336)],
        help_text=pgettext_lazy(
            "staff", "After that, the portal asks them to call the practice. 0 to 336 hours."
        ),
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(
        "send the reminder email this many hours before",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=pgettext_lazy("staff", "1 to 168 hours (one week)."),
    )
    # Telehealth (portico.appointments.telehealth): the practice's default video room and
    # whether adults, too, need telehealth consent recorded before they can join.
    video_room_url = models.URLField(
        "the practice's video room address", max_length=500, blank=True
    )
    telehealth_consent_for_adults = models.BooleanField(
        "adult clients need telehealth consent recorded too", default=False
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Appointment settings of practice {self.practice_id}"

    @property
    def cancellation_notice(self) -> timedelta:
        return timedelta(hours=self.cancellation_notice_hours)

    @property
    def reminder_lead(self) -> timedelta:
        return timedelta(hours=self.reminder_lead_hours)


class VideoRoom(models.Model):
    """A clinician's own video room: an https address of the service the practice uses.

    Portico does not run video: the portal's Join sends the client to this address
    (or to the practice's, ``AppointmentSettings.video_room_url``, when the clinician
    has none). Validated by ``portico.appointments.rooms.check_room_url``.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    clinician = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="video_room"
    )
    url = models.URLField("video room address", max_length=500)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Video room of user {self.clinician_id}"
