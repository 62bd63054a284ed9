from __future__ import annotations

import uuid

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
    CONTACT_REMOVED = "contact_removed", "The contact was removed"


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
    # Set when the link was sent to one of the client's contacts (a guardian,
    # a partner) rather than to the client: the contact is the subject.
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
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
    # Issued by an anonymous "Forgot password?" request: it counts toward the
    # person's self-service budget, never toward the allowance staff rely on.
    self_service = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["client", "purpose", "-created_at"], name="link_client_recent"),
            models.Index(fields=["user", "purpose", "-created_at"], name="link_user_recent"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.email}"


class GrantRelationship(models.TextChoices):
    SELF = "self", "The client"
    CONTACT = "contact", "A contact (guardian, parent, partner)"


class PortalGrant(models.Model):
    """Which clients a portal user may act for.

    A client's own account is the user holding their active "self" grant. A
    guardian's one account may hold "contact" grants for several clients.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="portal_grants"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="portal_grants"
    )
    relationship = models.CharField(max_length=10, choices=GrantRelationship.choices)
    # For a "contact" grant: the contact record of the client it came from.
    contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_grants",
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One account is "the client"; a second identity for the same person is a bug.
            models.UniqueConstraint(
                "client",
                condition=models.Q(relationship="self", revoked_at__isnull=True),
                name="one_self_grant_per_client",
            ),
            models.UniqueConstraint(
                "user",
                "client",
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_user_client",
            ),
        ]
        indexes = [models.Index(fields=["user", "client"], name="grant_user_client")]

    def __str__(self) -> str:
        return f"{self.user_id} may act for client {self.client_id} ({self.relationship})"


class BulkInviteStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Sending"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped by an error"


class BulkInvite(models.Model):
    """One "Invite everyone not yet invited": the request that asked, and its progress.

    The staff request only writes this row and enqueues the task; the task fills
    in ``total`` when it starts and the counters after each chunk it commits.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=BulkInviteStatus.choices, default=BulkInviteStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)  # eligible when the task started
    sent = models.PositiveIntegerField(default=0)
    # Eligible at the start, but not any more when their turn came (say, invited by hand).
    skipped = models.PositiveIntegerField(default=0)
    # Clients left out from the start, by reason: {"no_email": 3, ...}.
    not_eligible = models.JSONField(default=dict)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "-created_at"], name="bulk_invite_recent")]

    def __str__(self) -> str:
        return f"Bulk invite {self.public_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (BulkInviteStatus.DONE, BulkInviteStatus.FAILED)
