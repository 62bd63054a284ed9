"""Reading an uploaded client list: encoding, separator, header, rows.

What other systems export: UTF-8, with or without the byte-order mark Excel puts
first, separated by commas or (in much of Europe) semicolons. Anything else is
refused at upload with a sentence saying how to save the file, so the dry run and
the import never guess at characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000

NOT_UTF8 = pgettext_lazy(
    "staff",
    "This file is not saved as UTF-8, so its letters would come out wrong. In your "
    "spreadsheet choose Save as (or Download) and pick “CSV UTF-8”, then upload that file.",
)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Record:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and cells."""

    number: int
    cells: list[str]


@dataclass(frozen=True)
class CsvFile:
    text: str
    delimiter: str
    headers: list[str]
    row_count: int


def too_big() -> ValidationError:
    return ValidationError(
        pgettext(
            "staff",
            "This file is larger than %(megabytes)d MB. Split it into smaller files "
            "and import them one after the other.",
        )
        % {"megabytes": MAX_BYTES // (1024 * 1024)},
        code="too_big",
    )


def decode(raw: bytes) -> str:
    """The text of an upload (UTF-8, BOM or not), or ValidationError in plain words."""
    if raw.startswith(_UTF16_MARKS):
        raise ValidationError(NOT_UTF8, code="encoding")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(NOT_UTF8, code="encoding") from None
    if "\x00" in text:
        raise ValidationError(NOT_UTF8, code="encoding")
    return text


def sniff_delimiter(text: str) -> str:
    """Comma or semicolon: whichever separates more cells of the header line.

    Counted outside quotes, so a header like "Last, first" does not count. Twenty
    lines of ours: csv.Sniffer guesses from letter frequencies and picks spaces or
    letters on short files.
    """
    counts = {",": 0, ";": 0}
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def _reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)


def read_upload(raw: bytes) -> CsvFile:
    """Check an upload and count its rows; ValidationError says what to fix."""
    if len(raw) > MAX_BYTES:
        raise too_big()
    text = decode(raw)
    delimiter = sniff_delimiter(text)
    try:
        headers, records = split(text, delimiter)
        row_count = sum(1 for _ in records)
    except csv.Error as error:
        raise ValidationError(
            pgettext(
                "staff", "This file could not be read as CSV (%(error)s). Export it again as CSV."
            )
            % {"error": error},
            code="not_csv",
        ) from None
    if not any(headers):
        raise ValidationError(
            pgettext(
                "staff",
                "The first row must name the columns (for example First name, Last name, "
                "Date of birth); this file’s first row is empty.",
            ),
            code="no_header",
        )
    if row_count == 0:
        raise ValidationError(
            pgettext("staff", "This file has column names but no clients below them."),
            code="empty",
        )
    if row_count > MAX_ROWS:
        raise ValidationError(
            pgettext(
                "staff",
                "This file has %(rows)s rows; at most %(limit)s can be imported at once. "
                "Split it into smaller files and import them one after the other.",
            )
            % {"rows": f"{row_count:,}", "limit": f"{MAX_ROWS:,}"},
            code="too_many_rows",
        )
    return CsvFile(text=text, delimiter=delimiter, headers=headers, row_count=row_count)


def split(text: str, delimiter: str) -> tuple[list[str], Iterator[Record]]:
    """The header (named "Column N" where empty) and the non-empty data rows after it."""
    rows = _reader(text, delimiter)
    header = next(rows, [])
    headers = [
        cell.strip() or pgettext("staff", "Column %(number)d") % {"number": index}
        for index, cell in enumerate(header, start=1)
    ]
    if not any(cell.strip() for cell in header):
        headers = []

    def records() -> Iterator[Record]:
        # Row numbers are records, as a spreadsheet counts them (a quoted line
        # break inside a cell does not start a new row there either).
        for number, cells in enumerate(rows, start=2):
            if any(cell.strip() for cell in cells):
                yield Record(number, cells)

    return headers, records()
