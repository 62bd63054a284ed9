from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import pgettext_lazy


class Client(models.Model):
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="clients"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=40, blank=True)
    # The client's id in the practice's other system (EHR, practice management);
    # imports and the API match on it. Blank when unknown.
    external_id = models.CharField("external id", max_length=100, blank=True)
    email_notifications_enabled = models.BooleanField(default=True)
    # Contact details the client reviews and updates in the portal (portico.profiles);
    # staff edit them on the Personal information page.
    pronouns = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField("address line 1", max_length=120, blank=True)
    address_line2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    region = models.CharField("state or region", max_length=80, blank=True)
    postal_code = models.CharField("ZIP or postal code", max_length=20, blank=True)
    country = models.CharField("country (two-letter code)", max_length=2, default="US")
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    # When the client (or a contact acting for them) last said "these details are right".
    profile_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The client's own telehealth consent, recorded by staff (a contact's is on Contact).
    # Needed to join video sessions as a minor, or as an adult when the practice asks.
    telehealth_consent_at = models.DateTimeField(null=True, blank=True)
    telehealth_consent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The language of this client's portal pages and emails (settings.LANGUAGES).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    # The clinician who sees this client, if one is named (filters, e.g. Access problems).
    clinician = models.ForeignKey(
        "practices.StaffMembership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clients",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The staff list: one practice, ordered by name, keyset-paginated.
            models.Index(
                "practice", Lower("last_name"), Lower("first_name"), "id", name="client_list_order"
            ),
            models.Index("practice", Lower("first_name"), name="client_first_name_search"),
            models.Index("practice", Lower("preferred_name"), name="client_preferred_search"),
        ]
        constraints = [
            models.UniqueConstraint(
                "practice",
                "external_id",
                condition=~models.Q(external_id=""),
                name="unique_external_id_per_practice",
                violation_error_message=pgettext_lazy(
                    "staff", "Another client of this practice has this external id."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def greeting_name(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.first_name} ({self.preferred_name}) {self.last_name}"
        return f"{self.first_name} {self.last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ClientEmail(models.Model):
    """One of a client's email addresses; invitations go to the default (starred) one."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(max_length=254)
    is_default = models.BooleanField(default=False)
    # Set by delivery tracking when mail to this address bounced; cleared when
    # staff change or confirm the address.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("client", "address", name="unique_address_per_client"),
            models.UniqueConstraint(
                "client", condition=models.Q(is_default=True), name="one_default_email_per_client"
            ),
        ]
        indexes = [models.Index("practice", Lower("address"), name="client_email_prefix")]
        ordering = ["-is_default", "address"]

    def __str__(self) -> str:
        return self.address


class Relationship(models.TextChoices):
    # Staff read these; the portal has its own words (portico.messaging.labels).
    PARENT = "parent", pgettext_lazy("staff", "Parent")
    GUARDIAN = "guardian", pgettext_lazy("staff", "Legal guardian")
    PARTNER = "partner", pgettext_lazy("staff", "Spouse or partner")
    OTHER = "other", pgettext_lazy("staff", "Other")


class Contact(models.Model):
    """Someone connected to a client: a parent or guardian of a minor, a partner, ….

    A contact with portal access gets their own invitation and their own sign-in;
    their portal account acts for the client through a PortalAccess row, which
    also holds the on/off switch of their access.
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_note = models.CharField(
        "relationship, in words", max_length=80, blank=True, help_text="For example: grandmother."
    )
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField("primary contact", default=False)
    email_notifications_enabled = models.BooleanField(default=True)
    # The language of this contact's portal pages and emails (settings.LANGUAGES).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    # Consent is recorded by staff: when, and by whom. Cleared when withdrawn (the
    # audit log keeps the history).
    telehealth_consent_at = models.DateTimeField(null=True, blank=True)
    telehealth_consent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    treatment_consent_at = models.DateTimeField(null=True, blank=True)
    treatment_consent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "removed_at"], name="contact_client_current")]
        ordering = ["-is_primary", "last_name", "first_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def greeting_name(self) -> str:
        return self.first_name


class ComingOfAgeReview(models.Model):
    """A to-do for staff: a client on file as a minor reached the age of majority.

    Created once per client by the daily task; nothing about access changes until
    staff decide on the review page (``outcome`` keeps what they decided).
    """

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="coming_of_age_reviews"
    )
    came_of_age_on = models.DateField()
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("client", "came_of_age_on", name="one_review_per_coming_of_age")
        ]
        indexes = [models.Index(fields=["practice", "resolved_at"], name="review_open")]
        ordering = ["came_of_age_on", "id"]

    def __str__(self) -> str:
        return f"Coming-of-age review of client {self.client_id} ({self.came_of_age_on})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
