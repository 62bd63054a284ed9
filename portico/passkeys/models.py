"""Passkeys and security keys (WebAuthn credentials), and the challenges sent to them.

A credential belongs to one user of one practice. Only its public key is kept: the
private key never leaves the person's device. ``rp_id`` is the host the browser
saw when it was made; a browser offers it again only on that host.
"""

from __future__ import annotations

import uuid

from django.db import models


class Passkey(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="passkeys"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="passkeys")
    # base64url of the raw credential id (at most 1023 bytes, so at most 1364 characters).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    name = models.CharField(max_length=60)
    rp_id = models.CharField(max_length=253)
    # Synced between the person's devices (a passkey in a password manager) or not.
    backed_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index("user", "rp_id", name="passkey_user_rp")]

    def __str__(self) -> str:
        return self.name


class ChallengePurpose(models.TextChoices):
    REGISTER = "register", "Add a passkey"
    SIGN_IN = "sign_in", "Sign in with a passkey"


class PasskeyChallenge(models.Model):
    """A challenge handed to the browser: spent by a conditional update, so it counts once.

    The challenge itself stays in the person's session; this row holds its SHA-256
    and whether it was spent, so two requests racing with one challenge (even on two
    web processes) cannot both win.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=ChallengePurpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    spent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index("user", "expires_at", name="passkey_challenge_user")]

    def __str__(self) -> str:
        return f"{self.purpose} challenge"
