"""Every Spanish catalogue is complete: every msgid translated, nothing fuzzy, the same
placeholders and markup on both sides, and a header that declares Spanish.

Scans every ``es`` catalogue in the project (``portico/locale`` and each app's), so a
string marked anywhere and extracted (``python manage.py update_catalogues``) fails
here until it is translated. Staff text (context ``staff``) is the exception: staff
pages are English for now, their strings marked and extracted, ready for a translator.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from portico.lib.catalogues import PORTICO, catalogues, compile_catalogue
from tests.i18n.pseudo import STAFF_CONTEXT

SPANISH = [po for po in catalogues(PORTICO) if po.parts[-3] == "es"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}")
_TAG = re.compile(r"</?([a-z]+)[^>]*>")


def _name(po: Path) -> str:
    return str(po.relative_to(PORTICO.parent))


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text))


def _tags(text: str) -> list[str]:
    return sorted(m.group(0) for m in _TAG.finditer(text) if "href" in m.group(0)) + sorted(
        m.group(1) for m in _TAG.finditer(text)
    )


def test_there_are_spanish_catalogues_for_the_project_and_the_core_apps() -> None:
    names = {_name(po) for po in SPANISH}
    for expected in ("locale", "access", "portal", "mail", "accounts"):
        path = "portico/locale" if expected == "locale" else f"portico/{expected}/locale"
        assert f"{path}/es/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("po_path", SPANISH, ids=_name)
def test_every_msgid_is_translated_and_nothing_is_fuzzy(po_path: Path) -> None:
    catalogue = polib.pofile(str(po_path))
    untranslated = [
        entry.msgid
        for entry in catalogue.untranslated_entries()
        if entry.msgctxt != STAFF_CONTEXT  # staff pages are English for now
    ]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{_name(po_path)}: not translated yet"
    assert fuzzy == [], f"{_name(po_path)}: fuzzy (a guess, never shown)"


@pytest.mark.parametrize("po_path", SPANISH, ids=_name)
def test_placeholders_and_links_are_the_same_in_english_and_spanish(po_path: Path) -> None:
    catalogue = polib.pofile(str(po_path))
    wrong = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, spanish in pairs:
            if _placeholders(english) != _placeholders(spanish) or _tags(english) != _tags(spanish):
                wrong.append((english, spanish))
    assert wrong == [], f"{_name(po_path)}: placeholders or markup differ"


@pytest.mark.parametrize("po_path", SPANISH, ids=_name)
def test_the_header_declares_spanish_utf8_and_two_plural_forms(po_path: Path) -> None:
    catalogue = polib.pofile(str(po_path))
    assert catalogue.metadata.get("Language") == "es"
    assert "charset=UTF-8" in catalogue.metadata.get("Content-Type", "")
    assert catalogue.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("po_path", SPANISH, ids=_name)
def test_each_catalogue_compiles_in_pure_python(po_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "django.po"
    copy.write_bytes(po_path.read_bytes())
    mo = polib.mofile(str(compile_catalogue(copy)))
    assert len(mo) == len(polib.pofile(str(po_path)).translated_entries())
