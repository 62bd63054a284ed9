"""`manage.py check` refuses a release whose translation catalogues were not compiled."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from portico.lib import catalogues
from portico.operations.apps import catalogues_compiled


def a_copy_of_one_catalogue(tmp_path: Path) -> Path:
    """One real catalogue in a folder of its own (the project's stay untouched)."""
    source = next(catalogues.catalogues())
    po = tmp_path / "portico" / "app" / "locale" / "es" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copyfile(source, po)
    return po


def test_the_projects_catalogues_are_compiled_by_the_install() -> None:
    assert catalogues_compiled() == []


def test_a_missing_or_stale_mo_is_an_error_that_says_what_to_run(tmp_path: Path) -> None:
    po = a_copy_of_one_catalogue(tmp_path)
    root = tmp_path / "portico"
    [missing] = catalogues_compiled(root=root)
    assert missing.id == "portico.E001"
    assert "portico/app/locale/es/LC_MESSAGES/django.po" in missing.msg
    assert "clients would read English instead of Spanish" in missing.msg
    assert "python -m portico.lib.catalogues" in (missing.hint or "")

    catalogues.compile_all(root)
    assert catalogues_compiled(root=root) == []
    mo = po.with_suffix(".mo")
    os.utime(mo, (mo.stat().st_atime, po.stat().st_mtime - 10))  # the .po edited after
    assert [error.id for error in catalogues_compiled(root=root)] == ["portico.E001"]
