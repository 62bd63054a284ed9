from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy


class LinkPurpose(models.TextChoices):
    CLIENT_INVITE = "client_invite", pgettext_lazy("staff", "Portal invitation")
    PASSWORD_RESET = "password_reset", pgettext_lazy("staff", "Password reset")
    STAFF_INVITE = "staff_invite", pgettext_lazy("staff", "Staff invitation")


class RevokeReason(models.TextChoices):
    SUPERSEDED = "superseded", pgettext_lazy("staff", "A newer link was sent")
    EMAIL_CHANGED = "email_changed", pgettext_lazy("staff", "The email address was changed")
    ACCESS_DISABLED = "access_disabled", pgettext_lazy("staff", "Portal access was turned off")
    TOO_MANY_DOB_FAILURES = "dob_failures", pgettext_lazy("staff", "Too many wrong dates of birth")
    REVOKED_BY_STAFF = "revoked_by_staff", pgettext_lazy("staff", "Cancelled by staff")
    PASSWORD_CHANGED = "password_changed", pgettext_lazy("staff", "The password was changed")
    CONTACT_REMOVED = "contact_removed", pgettext_lazy("staff", "The contact was removed")


class PortalAccess(models.Model):
    """One person who may act for a client: the client themself (no contact) or a contact.

    Created when access is first given (a client added with portal access on, a
    contact given access), not at registration; ``user`` is set when the person
    registers. Links, send allowances, status, registration and the portal's
    acting-for check all go through this row, whoever the person is. One account
    may hold several (a parent of two). ``enabled`` is the staff switch; an ended
    row (a contact whose access was revoked or who was removed) stays for history,
    and a new invitation gives a new row.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="portal_accesses"
    )
    # None: the client themself. Otherwise the contact (parent, guardian, partner).
    contact = models.ForeignKey(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_accesses",
    )
    # The portal account, once the person registered.
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_accesses",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, choices=RevokeReason.choices, blank=True)

    class Meta:
        constraints = [
            # One account is "the client"; a second identity for the same person is a bug.
            models.UniqueConstraint(
                "client",
                condition=models.Q(contact__isnull=True, ended_at__isnull=True),
                name="one_own_access_per_client",
            ),
            models.UniqueConstraint(
                "contact",
                condition=models.Q(contact__isnull=False, ended_at__isnull=True),
                name="one_live_access_per_contact",
            ),
            models.UniqueConstraint(
                "user",
                "client",
                condition=models.Q(user__isnull=False, ended_at__isnull=True),
                name="one_live_access_per_user_client",
            ),
        ]
        indexes = [models.Index(fields=["user", "client"], name="access_user_client")]

    def __str__(self) -> str:
        who = f"contact {self.contact_id}" if self.contact_id else "the client"
        return f"Portal access to client {self.client_id} for {who}"

    @property
    def is_own(self) -> bool:
        """The client's own access (not a contact's)."""
        return self.contact_id is None

    @property
    def is_live(self) -> bool:
        """Switched on and not ended (the account's own switch is ``User.is_active``)."""
        return self.enabled and self.ended_at is None


class AccessLink(models.Model):
    """An emailed, single-use, expiring link. Only the SHA-256 of its token is kept.

    Its subject is a portal access (an invitation or a reset for one person who may
    act for a client) or, with no access, a user: a staff invitation, or a reset of
    a portal account that holds only contacts' accesses (a parent's own account).
    """

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="access_links"
    )
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    access = models.ForeignKey(
        PortalAccess, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
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
    # Issued by an anonymous "Forgot password?" request: it counts toward the
    # person's self-service budget, never toward the allowance staff rely on.
    self_service = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["access", "purpose", "-created_at"], name="link_access_recent"),
            models.Index(fields=["user", "purpose", "-created_at"], name="link_user_recent"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.email}"


class BulkInviteStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("staff", "Waiting to start")
    RUNNING = "running", pgettext_lazy("staff", "Sending")
    DONE = "done", pgettext_lazy("staff", "Finished")
    FAILED = "failed", pgettext_lazy("staff", "Stopped by an error")


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
