"""Extract the translatable strings into the Spanish catalogues (needs GNU gettext).

    python manage.py update_catalogues                 # every catalogue
    python manage.py update_catalogues templates mail  # only these ("templates": the project's)

Runs Django's ``makemessages`` once per catalogue, each over its own folder: the
project's templates (``portico/locale``) and each app (``portico/<app>/locale``).
New strings arrive with an empty ``msgstr``; the test ``tests/i18n/test_catalogues.py``
fails until each is translated (staff text, context ``staff``, may stay empty). Compiling
(``python -m portico.lib.catalogues``) needs only Python.

Two things ``makemessages`` alone would get wrong here: a package's first catalogue is
started with a real Spanish header (gettext's template header is fuzzy and has no
language), and a staff entry never keeps a fuzzy guess borrowed from client text (staff
text is translated on its own, later).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

PORTICO = Path(__file__).resolve().parents[3]
STAFF_CONTEXT = "staff"
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);"}


def catalogue_folders() -> list[tuple[Path, list[Path]]]:
    """(folder to scan, locale paths) for the project templates and every package.

    Every app (and ``portico/lib``), not only those with a catalogue yet: a package
    with only staff text (context ``staff``) gets its catalogue when first extracted.
    """
    folders = [(PORTICO / "templates", [PORTICO / "locale"])]
    for package in sorted(PORTICO.glob("*/__init__.py")):
        folders.append((package.parent, []))
    return folders


class Command(BaseCommand):
    help = "Extract translatable strings into every Spanish catalogue (GNU gettext needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("only", nargs="*", help="folders: templates, or app names")

    def handle(self, *args: Any, **options: Any) -> None:
        here = Path.cwd()
        only = set(options["only"])
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        for folder, locale_paths in catalogue_folders():
            if only and folder.name not in only:
                continue
            locale = locale_paths[0] if locale_paths else folder / "locale"
            for language in languages:
                start_catalogue(locale / language / "LC_MESSAGES" / "django.po", language)
            os.chdir(folder)
            try:
                with override_settings(LOCALE_PATHS=locale_paths):
                    call_command(
                        "makemessages",
                        locale=languages,
                        extensions=["html", "txt", "py"],
                        no_obsolete=True,
                        add_location="file",
                        verbosity=0,
                    )
            finally:
                os.chdir(here)
            for language in languages:
                drop_staff_guesses(locale / language / "LC_MESSAGES" / "django.po")
            self.stdout.write(f"extracted {folder.relative_to(PORTICO.parent)}")


def start_catalogue(po_path: Path, language: str) -> None:
    """An empty catalogue with a real header, unless there is one already."""
    if po_path.exists():
        return
    if language not in PLURAL_FORMS:
        raise CommandError(f"Add the plural forms of {language!r} to PLURAL_FORMS first.")
    po_path.parent.mkdir(parents=True, exist_ok=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Project-Id-Version": "Portico",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
    }
    catalogue.save(str(po_path))


def drop_staff_guesses(po_path: Path) -> None:
    """Empty the staff entries gettext filled with a fuzzy guess from similar text."""
    if not po_path.exists():
        return
    catalogue = polib.pofile(str(po_path))
    guessed = [e for e in catalogue.fuzzy_entries() if e.msgctxt == STAFF_CONTEXT]
    for entry in guessed:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        entry.msgstr = ""
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
    if guessed:
        catalogue.save()
