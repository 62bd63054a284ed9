from __future__ import annotations

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "portico.messaging"
    label = "messaging"
