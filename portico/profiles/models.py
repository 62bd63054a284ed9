"""Insurance policies, and the changes clients ask for that wait for staff review.

A client has at most one primary and one secondary policy (a secondary needs a
primary). ``ProfileChange`` is one field a client changed in the portal while the
practice reviews changes: the value on file when asked, the value asked for, and
what staff decided. Values live here (staff compare them); the audit log only ever
holds field names.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PolicyRank(models.TextChoices):
    PRIMARY = "primary", _("Primary insurance")
    SECONDARY = "secondary", _("Secondary insurance")


class HolderRelationship(models.TextChoices):
    SELF = "self", _("Self (the client is the policy holder)")
    SPOUSE = "spouse", _("Spouse or partner")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")


class InsurancePolicy(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="insurance_policies"
    )
    rank = models.CharField(max_length=10, choices=PolicyRank.choices)
    payer_name = models.CharField("insurance company", max_length=120, blank=True)
    member_id = models.CharField("member ID", max_length=40, blank=True)
    group_number = models.CharField(max_length=40, blank=True)
    holder_name = models.CharField("policy holder's name", max_length=120, blank=True)
    holder_relationship = models.CharField(
        "policy holder's relationship to the client",
        max_length=10,
        choices=HolderRelationship.choices,
        default=HolderRelationship.SELF,
    )
    card_front = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    card_back = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("client", "rank", name="one_policy_per_rank"),
        ]
        ordering = ["rank"]  # "primary" < "secondary"

    def __str__(self) -> str:
        return f"{self.get_rank_display()} of client {self.client_id}"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("staff", "Waiting for review")
    ACCEPTED = "accepted", pgettext_lazy("staff", "Accepted")
    REJECTED = "rejected", pgettext_lazy("staff", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("staff", "Withdrawn (changed back before review)")


class ProfileChange(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="profile_changes"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # "address_line1", or "insurance.primary.member_id" (portico.profiles.fields)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    # A card photo asked for: stored already (staff look at it), used only if accepted.
    new_file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by_access = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "client",
                "field",
                condition=models.Q(status="pending"),
                name="one_pending_change_per_field",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status"], name="profile_change_status"),
            models.Index(fields=["client", "status"], name="profile_change_client"),
        ]
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.field} of client {self.client_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING
