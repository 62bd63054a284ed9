from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Project-wide commands and the demo: the one app allowed to depend on every other."""

    name = "portico.operations"
    label = "operations"
