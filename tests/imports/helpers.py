"""Building client lists and importing them through the real actions and task."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.accounts.models import User
from portico.imports.actions import save_mapping, start_import, upload_client_list
from portico.imports.models import ClientImport
from portico.imports.queries import DryRun, dry_run
from portico.imports.running import process_client_import
from portico.practices.models import Practice
from tests.cast import by

HEADER = (
    "First name",
    "Last name",
    "Preferred name",
    "Date of birth",
    "Email",
    "Phone",
    "External id",
    "Guardian first name",
    "Guardian last name",
    "Guardian email",
)


def csv_text(rows: Iterable[Sequence[str]], header: Sequence[str] = HEADER, sep: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def row(
    first: str = "Ada",
    last: str = "Lovelace",
    dob: str = "12/10/1985",
    email: str = "",
    *,
    preferred: str = "",
    phone: str = "",
    external_id: str = "",
    contact: tuple[str, str, str] = ("", "", ""),
) -> list[str]:
    return [first, last, preferred, dob, email, phone, external_id, *contact]


def upload(
    practice: Practice, user: User, content: str | bytes, name: str = "clients.csv"
) -> ClientImport:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return upload_client_list(
        practice, by=by(user), uploaded=SimpleUploadedFile(name, raw, content_type="text/csv")
    )


def mapped(
    practice: Practice, user: User, content: str | bytes, *, keep_typos: bool = False
) -> ClientImport:
    """Uploaded, with the guessed columns confirmed (what the mapping page does)."""
    client_import = upload(practice, user, content)
    return save_mapping(
        client_import, by=by(user), mapping=client_import.mapping, keep_typos=keep_typos
    )


def check(practice: Practice, user: User, content: str | bytes) -> DryRun:
    return dry_run(mapped(practice, user, content))


def run(practice: Practice, user: User, content: str | bytes) -> ClientImport:
    """Upload, map, start, and run the task here (as a worker would)."""
    client_import = start_import(mapped(practice, user, content), by=by(user))
    process_client_import(client_import.pk)
    client_import.refresh_from_db()
    return client_import
