from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class EmailKind(models.TextChoices):
    INVITE = "invite", pgettext_lazy("staff", "Portal invitation")
    PASSWORD_RESET = "password_reset", pgettext_lazy("staff", "Password reset")
    PASSWORD_CHANGED = "password_changed", pgettext_lazy("staff", "Password changed")
    USERNAME_REMINDER = "username_reminder", pgettext_lazy("staff", "Username reminder")
    STAFF_INVITE = "staff_invite", pgettext_lazy("staff", "Staff invitation")
    NEW_MESSAGE = "new_message", pgettext_lazy("staff", "New message notification")
    FORM_WAITING = "form_waiting", pgettext_lazy("staff", "Form waiting")
    APPOINTMENT_BOOKED = "appointment_booked", pgettext_lazy("staff", "Appointment booked")
    APPOINTMENT_CHANGED = "appointment_changed", pgettext_lazy("staff", "Appointment changed")
    APPOINTMENT_CANCELLED = "appointment_cancelled", pgettext_lazy("staff", "Appointment cancelled")
    APPOINTMENT_REMINDER = "appointment_reminder", pgettext_lazy("staff", "Appointment reminder")
    DOCUMENT_WAITING = "document_waiting", pgettext_lazy("staff", "Document waiting")
    DOCUMENT_REQUESTED = "document_requested", pgettext_lazy("staff", "Document requested")
    TEST = "test", pgettext_lazy("staff", "Test email")
    ACCESS_SUMMARY = (
        "access_summary",
        pgettext_lazy("staff", "Weekly access problems summary"),
    )  # portico.problems
    TWO_FACTOR_RESET = (
        "two_factor_reset",
        pgettext_lazy("staff", "Two-factor sign-in reset"),
    )  # portico.twofactor


class EmailStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("staff", "Queued")
    SENDING = "sending", pgettext_lazy("staff", "Sending")
    SENT = "sent", pgettext_lazy("staff", "Sent")
    DELIVERED = "delivered", pgettext_lazy("staff", "Delivered")
    DEFERRED = "deferred", pgettext_lazy("staff", "Delayed")
    BOUNCED = "bounced", pgettext_lazy("staff", "Bounced")
    COMPLAINED = "complained", pgettext_lazy("staff", "Marked as spam")
    FAILED = "failed", pgettext_lazy("staff", "Failed")


class OutboundEmail(models.Model):
    """One email, written in the same transaction as the change that causes it."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(max_length=24, choices=EmailKind.choices)
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    # True while the bodies hold a live link: they are purged once delivered.
    holds_link = models.BooleanField(default=False)
    body_purged_at = models.DateTimeField(null=True, blank=True)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.ForeignKey(
        "access.AccessLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    status_detail = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "-created_at"], name="email_practice_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="email_due"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address} ({self.status})"


class EmailTemplateOverride(models.Model):
    """A practice's own subject and body for one kind of email.

    Written in Portico's small placeholder language (``{{ practice_name }}``), never
    as a Django template: see portico.mail.placeholders.
    """

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="email_templates"
    )
    kind = models.CharField(max_length=24, choices=EmailKind.choices)
    # Each language has its own override; none in a language means Portico's default
    # text in that language (the editor says so), never another language's override.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "practice", "kind", "language", name="one_template_override_per_kind_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} template of practice {self.practice_id}"


class LocalMailboxMessage(models.Model):
    """A message "delivered" by the local mailbox backend (embedded default only).

    Kept apart from the outbox so the outbox can purge bodies that hold live links
    while the developer can still read and click through the message.
    """

    message_id = models.CharField(max_length=200, db_index=True)
    from_address = models.CharField(max_length=300)
    to_addresses = models.CharField(max_length=1000)
    subject = models.CharField(max_length=300)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_addresses}"
