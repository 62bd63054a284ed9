from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import pgettext, pgettext_lazy

# A practice's address is its slug: https://<slug>.<base domain>/ or /p/<slug>/.
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    "Use 1 to 40 lowercase letters, digits and hyphens, not starting or ending with a hyphen.",
)
RESERVED_SLUGS = frozenset({"www", "api", "admin", "static", "mail", "app", "portal", "staff"})


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            pgettext("staff", "Choose a time zone from the list, for example America/New_York.")
        )


class LinkLifetime(models.IntegerChoices):
    """How long an emailed link stays usable, in hours."""

    HOURS_24 = 24, pgettext_lazy("staff", "24 hours")
    HOURS_36 = 36, pgettext_lazy("staff", "36 hours")
    HOURS_48 = 48, pgettext_lazy("staff", "48 hours")
    WEEK = 168, pgettext_lazy("staff", "1 week")


class SignInIdentifier(models.TextChoices):
    EMAIL = "email", pgettext_lazy("staff", "Email address")
    USERNAME = "username", pgettext_lazy("staff", "Username")


class PortalFeature(models.TextChoices):
    """The portal's features a practice can turn on or off: only ones that exist are listed."""

    FORMS = "forms", pgettext_lazy("staff", "Forms (intake and others)")
    MESSAGES = "messages", pgettext_lazy("staff", "Secure messages")
    PROFILE = (
        "profile",
        pgettext_lazy("staff", "Profile: clients review and update their contact details"),
    )
    INSURANCE = (
        "insurance",
        pgettext_lazy("staff", "Insurance: clients add their insurance and card photos"),
    )
    APPOINTMENTS = (
        "appointments",
        pgettext_lazy("staff", "Appointments: clients see theirs and can cancel in time"),
    )
    TELEHEALTH = (
        "telehealth",
        pgettext_lazy("staff", "Telehealth: clients join video sessions from the portal"),
    )
    SELF_SCHEDULING = (
        "self_scheduling",
        pgettext_lazy("staff", "Self-scheduling: clients book open times"),
    )
    DOCUMENTS = (
        "documents",
        pgettext_lazy("staff", "Documents: statements, receipts and letters shared with clients"),
    )


def default_features() -> list[str]:
    return [feature.value for feature in PortalFeature]


class Practice(models.Model):
    slug = models.CharField(max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120)
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    phone = models.CharField("phone shown to clients", max_length=40, blank=True)
    email = models.EmailField("email shown to clients", blank=True)

    invite_lifetime_hours = models.PositiveSmallIntegerField(
        "client invitations stay valid for",
        choices=LinkLifetime.choices,
        default=LinkLifetime.HOURS_48,
    )
    reset_lifetime_hours = models.PositiveSmallIntegerField(
        "password-reset links stay valid for",
        choices=LinkLifetime.choices,
        default=LinkLifetime.HOURS_24,
    )
    dob_check = models.BooleanField(
        "ask for date of birth when a client sets up their account", default=True
    )
    sign_in_identifier = models.CharField(
        "clients sign in with",
        max_length=10,
        choices=SignInIdentifier.choices,
        default=SignInIdentifier.EMAIL,
    )
    invite_on_add = models.BooleanField(
        "send the portal invitation when a client with an email address is added", default=True
    )
    portal_features = models.JSONField(default=default_features, blank=True)
    intake_auto_assign = models.BooleanField(
        "give every new client the practice's intake forms", default=True
    )
    profile_changes_reviewed = models.BooleanField(
        "changes clients make to their profile or insurance wait for staff review", default=True
    )
    staff_idle_minutes = models.PositiveSmallIntegerField(
        "sign staff out after this many idle minutes",
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    client_idle_minutes = models.PositiveSmallIntegerField(
        "sign clients out after this many idle minutes",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    age_of_majority = models.PositiveSmallIntegerField(
        default=18, validators=[MinValueValidator(16), MaxValueValidator(21)]
    )
    sender_name = models.CharField(
        "sender name on emails",
        max_length=80,
        blank=True,
        help_text="Leave blank to use the practice name.",
    )
    reply_to = models.EmailField("replies to emails go to", blank=True)
    # --- access problems (portico.problems) ---
    unopened_invitation_days = models.PositiveSmallIntegerField(
        "list an invitation delivered but not opened after this many days",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    weekly_access_summary = models.BooleanField(
        "email owners and admins a weekly count of clients who cannot sign in", default=True
    )
    # --- the practice's brand (portico.practices branding) ---
    # The logo lives in STORAGES["private"] under a random name, served by a checked
    # view; blank: no logo. ``logo_type`` is image/png or image/svg+xml (sanitized).
    logo_name = models.CharField(max_length=200, blank=True)
    logo_type = models.CharField(max_length=40, blank=True)
    logo_updated_at = models.DateTimeField(null=True, blank=True)
    # "#RRGGBB"; blank: Portico's own accent. Contrast against white >= 4.5:1.
    accent_colour = models.CharField("accent colour", max_length=7, blank=True)
    # --- two-factor sign-in (portico.twofactor) ---
    require_staff_two_factor = models.BooleanField(
        "require two-factor sign-in for staff", default=True
    )
    require_client_two_factor = models.BooleanField(
        "require two-factor sign-in for clients and contacts", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def invite_lifetime(self) -> timedelta:
        return timedelta(hours=self.invite_lifetime_hours)

    @property
    def reset_lifetime(self) -> timedelta:
        return timedelta(hours=self.reset_lifetime_hours)

    @property
    def display_sender(self) -> str:
        return self.sender_name or self.name

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": pgettext("staff", "That address is reserved. Choose another.")}
            )
        unknown = set(self.portal_features or []) - set(PortalFeature.values)
        if unknown:
            raise ValidationError(
                {"portal_features": pgettext("staff", "Choose features from the list.")}
            )


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("staff", "Owner")
    ADMIN = "admin", pgettext_lazy("staff", "Administrator")
    CLINICIAN = "clinician", pgettext_lazy("staff", "Clinician")
    FRONT_DESK = "front_desk", pgettext_lazy("staff", "Front desk")


class StaffMembership(models.Model):
    """A staff user's role in their practice (practice_id kept for partitioning)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
