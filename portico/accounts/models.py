from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac


class UserKind(models.TextChoices):
    STAFF = "staff", "Staff"
    PORTAL = "portal", "Portal"


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are unique only within a practice; sign-in goes through
        # PracticeBackend, which always knows the practice.
        raise NotImplementedError("Look users up with their practice (PracticeBackend).")


class User(AbstractBaseUser):
    """A login identity: a staff member, or a portal user (client or contact).

    Usernames are unique per practice and kind, case-insensitively. Emails are
    unique per practice for staff; portal users may share an address (two family
    members with one inbox stay two people), so email sign-in resolves among the
    accounts with that address. The same person may be a client of two practices:
    two identities, one per practice.
    """

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="users"
    )
    kind = models.CharField(max_length=10, choices=UserKind.choices)
    username = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Off: cannot sign in, even with the right password."
    )
    must_change_password = models.BooleanField(default=False)
    # A staff-set temporary password stops working at this time if unused.
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Bumped to end every session of this user at once (disable, reset, change).
    session_generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "practice", "kind", Lower("username"), name="unique_username_per_practice_kind"
            ),
            models.UniqueConstraint(
                "practice",
                Lower("email"),
                condition=models.Q(kind="staff") & ~models.Q(email=""),
                name="unique_staff_email_per_practice",
            ),
        ]
        indexes = [models.Index("practice", "kind", Lower("email"), name="user_email_lookup")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_staff_user(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def is_portal_user(self) -> bool:
        return self.kind == UserKind.PORTAL

    def get_session_auth_hash(self) -> str:
        # Sessions are tied to the password hash *and* the session generation,
        # so bumping the generation ends every session on its next request.
        key_salt = "portico.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, algorithm="sha256").hexdigest()

    def natural_key(self) -> tuple[Any, ...]:
        return (self.practice_id, self.kind, self.username)
