"""Extract the translatable strings into the Spanish catalogues (needs GNU gettext).

    python manage.py update_catalogues                 # every catalogue
    python manage.py update_catalogues templates mail  # only these ("templates": the project's)

Runs Django's ``makemessages`` once per catalogue, each over its own folder: the
project's templates (``portico/locale``) and each app that has a ``locale`` folder
(``portico/<app>/locale``). New strings arrive with an empty ``msgstr``; the test
``tests/i18n/test_catalogues.py`` fails until each is translated. Compiling
(``python -m portico.lib.catalogues``) needs only Python.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import override_settings

PORTICO = Path(__file__).resolve().parents[3]


def catalogue_folders() -> list[tuple[Path, list[Path]]]:
    """(folder to scan, locale paths) for the project templates and each app catalogue."""
    folders = [(PORTICO / "templates", [PORTICO / "locale"])]
    for locale in sorted(PORTICO.glob("*/locale")):
        if locale.parent.name != "locale" and locale.is_dir():
            folders.append((locale.parent, []))
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
            self.stdout.write(f"extracted {folder.relative_to(PORTICO.parent)}")
