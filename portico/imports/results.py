"""The result CSVs: every row's outcome (the dry run's, or the run's), safe to open.

Names are repeated from the file so staff can find each row; a cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) goes
out with a leading quote (``portico.lib.csv_safe``), whatever was imported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import pgettext_lazy

from portico.imports.checking import Decision
from portico.imports.models import ClientImport, Outcome
from portico.imports.queries import read_text
from portico.imports.reading import split
from portico.lib.csv_safe import safe_row

# Column headers stay as they are (a file read by other programs); the cells are staff text.
HEADER = ["Row", "Result", "Reason or change", "First name", "Last name", "External id"]
DRY_RUN_WORDS = {
    Outcome.CREATE: pgettext_lazy("staff", "Will add"),
    Outcome.UPDATE: pgettext_lazy("staff", "Will update"),
    Outcome.UNCHANGED: pgettext_lazy("staff", "No change"),
    Outcome.ERROR: pgettext_lazy("staff", "Cannot import"),
}
NAME_COLUMNS = ("first_name", "last_name", "external_id")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _names_by_row(client_import: ClientImport) -> dict[int, list[str]]:
    headers, records = split(read_text(client_import), client_import.delimiter)
    columns = [client_import.mapping.get(name) for name in NAME_COLUMNS]
    return {
        record.number: [
            record.cells[index].strip() if index is not None and index < len(record.cells) else ""
            for index in columns
        ]
        for record in records
    }


def _lines(rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A BOM first: Excel then reads the names' accents right.
    yield "\ufeff" + writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(safe_row(row))


def dry_run_lines(client_import: ClientImport, decisions: list[Decision]) -> Iterator[str]:
    names = _names_by_row(client_import)
    return _lines(
        [d.number, str(DRY_RUN_WORDS[d.outcome]), d.message, *names.get(d.number, ["", "", ""])]
        for d in decisions
    )


def result_lines(client_import: ClientImport) -> Iterator[str]:
    names = _names_by_row(client_import)
    outcomes = client_import.rows.order_by("row_number").values_list(
        "row_number", "outcome", "message"
    )
    return _lines(
        [number, str(Outcome(outcome).label), message, *names.get(number, ["", "", ""])]
        for number, outcome, message in outcomes.iterator(chunk_size=2000)
    )
