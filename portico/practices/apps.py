from __future__ import annotations

from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "portico.practices"
    label = "practices"
