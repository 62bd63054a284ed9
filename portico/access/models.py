from __future__ import annotations

from django.db import models


class LinkPurpose(models.TextChoices):
    CLIENT_INVITE = "client_invite", "Portal invitation"
    PASSWORD_RESET = "password_reset", "Password reset"
    STAFF_INVITE = "staff_invite", "Staff invitation"


class RevokeReason(models.TextChoices):
    SUPERSEDED = "superseded", "A newer link was sent"
    EMAIL_CHANGED = "email_changed", "The email address was changed"
    ACCESS_DISABLED = "access_disabled", "Portal access was turned off"
    TOO_MANY_DOB_FAILURES = "dob_failures", "Too many wrong dates of birth"
    REVOKED_BY_STAFF = "revoked_by_staff", "Cancelled by staff"
    PASSWORD_CHANGED = "password_changed", "The password was changed"


class AccessLink(models.Model):
    """An emailed, single-use, expiring link. Only the SHA-256 of its token is kept."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="access_links"
    )
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    # Subject: the client being invited, and/or the user whose password is reset
    # or who is invited as staff.
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    email = models.EmailField("sent to")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=RevokeReason.choices, blank=True)
    dob_failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["client", "purpose", "-created_at"], name="link_client_recent"),
            models.Index(fields=["user", "purpose", "-created_at"], name="link_user_recent"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.email}"
