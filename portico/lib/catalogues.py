"""Compile the translation catalogues (``.po`` → ``.mo``) in pure Python.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine
with only Python does not have; polib writes the same ``.mo`` files. ``dev.py``
runs this at install, and a deployment runs it once per release::

    python -m portico.lib.catalogues

A catalogue is compiled only when its ``.mo`` is missing or older than its ``.po``.
Fuzzy entries are left out, as ``msgfmt`` does: a guessed translation is never shown.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import polib

PORTICO = Path(__file__).resolve().parent.parent


def catalogues(root: Path = PORTICO) -> Iterator[Path]:
    """Every ``.po`` file under ``root``'s locale folders."""
    yield from sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))


def stale(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    return not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime


def compile_catalogue(po_path: Path) -> Path:
    """Write ``po_path``'s ``.mo`` beside it, without fuzzy entries; return its path."""
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    mo_path = po_path.with_suffix(".mo")
    partial = mo_path.with_suffix(".mo.partial")
    catalogue.save_as_mofile(str(partial))
    partial.replace(mo_path)  # a reader never sees a half-written catalogue
    return mo_path


def compile_all(root: Path = PORTICO, *, force: bool = False) -> list[Path]:
    """Compile every stale catalogue under ``root``; return the ``.mo`` files written."""
    return [compile_catalogue(po) for po in catalogues(root) if force or stale(po)]


def uncompiled(root: Path = PORTICO) -> list[Path]:
    """Catalogues whose ``.mo`` is missing or older than their ``.po``."""
    return [po for po in catalogues(root) if stale(po)]


def main(argv: list[str]) -> int:
    written = compile_all(force="--force" in argv)
    for mo_path in written:
        print(f"compiled {mo_path.relative_to(PORTICO.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
