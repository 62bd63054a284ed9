from __future__ import annotations

from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "portico.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"
