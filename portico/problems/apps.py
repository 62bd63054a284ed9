from __future__ import annotations

from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "portico.problems"
    label = "problems"
