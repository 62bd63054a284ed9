from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _private_import_storage(settings: LazySettings, tmp_path: Path) -> None:
    """Uploads go to a fresh directory per test (setting_changed resets ``storages``)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "portico.imports.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports", "base_url": None},
        },
    }
