"""CSV cells that a spreadsheet shows as text and never runs as a formula (OWASP CSV injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula, and a leading tab or carriage return can hide such a start.
A client named ``=HYPERLINK("http://evil.example","x")`` would otherwise become a
live link (or worse) in the owner's spreadsheet. A leading single quote makes the
spreadsheet show the text as it is.

Only text is escaped: numbers we write ourselves (``-3``, ``Decimal("-1.5")``) stay
numbers. Whoever builds a row decides which values are ours by passing them as
numbers, not as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a ``'`` in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer.writerow`` with every text cell made safe."""
    return [safe_cell(value) for value in row]
