from __future__ import annotations

from django.apps import AppConfig


class PasskeysConfig(AppConfig):
    name = "portico.passkeys"
    label = "passkeys"
    verbose_name = "Passkeys and security keys"
