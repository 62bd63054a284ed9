"""Second factors of a login identity: an authenticator app and recovery codes.

Passkeys live in ``portico.passkeys`` and count as a method too (``methods.py``).

The authenticator app's secret is stored as typed into the app (base32): it is never
logged, audited, exported or shown again after enrolment. Recovery codes are stored
as SHA-256 digests only (each is 50 random bits, so a fast hash is enough, like the
access links' tokens).
"""

from __future__ import annotations

from django.db import models


class AuthenticatorApp(models.Model):
    """A confirmed TOTP (RFC 6238) authenticator app: at most one per account."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE)
    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="authenticator_app"
    )
    secret = models.CharField(max_length=64)
    # The newest 30-second step whose code was accepted: that code and older ones are
    # refused (a conditional UPDATE moves it, so two requests cannot both use one code).
    last_used_step = models.BigIntegerField(default=0)
    confirmed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Authenticator app of user {self.user_id}"


class RecoveryCode(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "code_hash", name="unique_recovery_code_per_user")
        ]

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id}"
