from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.core import checks


class OperationsConfig(AppConfig):
    """Project-wide commands and the demo: the one app allowed to depend on every other."""

    name = "portico.operations"
    label = "operations"

    def ready(self) -> None:
        checks.register(catalogues_compiled)


def catalogues_compiled(
    app_configs: Any = None, *, root: Path | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A release that skipped compiling would show Spanish-speaking clients English."""
    from portico.lib.catalogues import PORTICO, uncompiled

    root = root or PORTICO
    missing = uncompiled(root)
    if not missing:
        return []
    names = ", ".join(str(po.relative_to(root.parent)) for po in missing[:3])
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return [
        checks.Error(
            f"{len(missing)} translation catalogue(s) are not compiled or are older than their "
            f".po file ({names}{more}): clients would read English instead of Spanish.",
            hint="Run `python -m portico.lib.catalogues` (dev.py does it at install).",
            id="portico.E001",
        )
    ]
