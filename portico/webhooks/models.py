"""Webhook endpoints of a practice and the deliveries written for them.

The signing secret is stored as is. It cannot be hashed like an API key: Portico
must hold the secret itself to sign every delivery (HMAC), exactly as the
receiver holds it to verify. This is what webhook providers do (Stripe, Svix,
GitHub); the secret only proves that a delivery came from Portico and grants no
access to anything, and the database already holds everything it could sign.
It is shown once in full, then only as its first characters.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy


class WebhookEndpoint(models.Model):
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # EventType values (portico.webhooks.events); a practice has a handful of endpoints,
    # so the subscription check reads the practice's enabled endpoints and filters here.
    event_types = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)  # see the module docstring
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "enabled"], name="webhook_practice_enabled"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to tell which one a receiver holds."""
        return f"{self.secret[:10]}…"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("staff", "Waiting")
    SENDING = "sending", pgettext_lazy("staff", "Sending")
    RETRYING = "retrying", pgettext_lazy("staff", "Retrying")
    DELIVERED = "delivered", pgettext_lazy("staff", "Delivered")
    FAILED = "failed", pgettext_lazy("staff", "Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the event, sent by a task."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The webhook-id header: one per event, the same on every retry and every endpoint.
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    # False until the access and email states are read into the payload (first attempt).
    states_filled = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
