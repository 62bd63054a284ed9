"""API keys and the stored answers of POSTs made with an Idempotency-Key."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy

from portico.practices.models import Role


class KeyRole(models.TextChoices):
    """A key's role: the staff roles of ``portico.practices.roles``, plus read-only."""

    OWNER = Role.OWNER.value, Role.OWNER.label
    ADMIN = Role.ADMIN.value, Role.ADMIN.label
    CLINICIAN = Role.CLINICIAN.value, Role.CLINICIAN.label
    FRONT_DESK = Role.FRONT_DESK.value, Role.FRONT_DESK.label
    READ_ONLY = "read_only", pgettext_lazy("staff", "Read only")


class ApiKey(models.Model):
    """A practice's key for the JSON API. Only the SHA-256 of the secret is kept;
    ``prefix`` is the visible start of the secret, to tell keys apart."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="api_keys"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=KeyRole.choices)
    prefix = models.CharField(max_length=24, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "-created_at"], name="api_key_practice")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class IdempotentRequest(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, replayed to its retries.

    The row is inserted first, in the transaction of the write itself: a concurrent
    retry waits on the unique index until that transaction ends, then replays what
    was stored (or, when the first one failed and rolled back, runs itself).
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(default=0)  # 0 while running
    response_body = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("api_key", "key", name="idempotency_key_per_api_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
