from __future__ import annotations

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "portico.clients"
    label = "clients"
