"""Keyset ("seek") pagination: page 2000 costs what page 1 does.

A page is the first ``size`` rows after (or before) the last row the reader saw,
in a fixed total order that ends with a unique field (the id). No COUNT and no
OFFSET: with an index on the order, each page is one range scan of ``size + 1``
rows. Cursors are signed (a tampered one shows the first page) and carry the
sort key of the row they point at, as the database computed it.

Used by the staff client list and the email activity list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.core import signing
from django.db.models import Model, Q, QuerySet

Direction = Literal["after", "before"]


@dataclass(frozen=True)
class KeysetPage[T: Model]:
    rows: list[T]
    next_cursor: str | None  # None on the last page
    previous_cursor: str | None  # None on the first page

    @property
    def is_first_page(self) -> bool:
        return self.previous_cursor is None


def _dump(value: Any) -> Any:
    return {"t": value.isoformat()} if isinstance(value, datetime) else value


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        moment = datetime.fromisoformat(str(value["t"]))
        if moment.tzinfo is None:
            raise ValueError("naive time in a cursor")
        return moment
    if not isinstance(value, str | int):
        raise TypeError("unexpected value in a cursor")
    return value


def encode_cursor(row: Model, order: Sequence[str], direction: Direction, *, salt: str) -> str:
    key = [_dump(getattr(row, field.lstrip("-"))) for field in order]
    return signing.dumps({"d": direction, "k": key}, salt=salt, compress=True)


def decode_cursor(
    cursor: str, order: Sequence[str], *, salt: str
) -> tuple[Direction, list[Any]] | None:
    """(direction, key), or None for a missing, tampered or malformed cursor."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=salt)
        direction, key = data["d"], [_load(value) for value in data["k"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if direction not in ("after", "before") or len(key) != len(order):
        return None
    return direction, key


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def seek[T: Model](
    rows: QuerySet[T],
    order: Sequence[str],
    key: Sequence[Any],
    direction: Direction,
    *,
    bound: bool = True,
) -> QuerySet[T]:
    """``rows`` strictly after (or before) ``key`` in ``order``, ordered to read away from it.

    Written as ``first >= k1 AND ((first > k1) OR (first = k1 AND second > k2) OR …)``
    rather than a row-value comparison: both SQLite and PostgreSQL seek an index on
    the order to the bound of the first field and only filter the rows that share
    it (SQLite cannot seek a row value made of expressions). ``bound=False`` leaves
    the first field's bound out, for a query that should be driven by another index
    (the bound would tempt the planner to walk the order's index from the cursor).
    """
    forward = direction == "after"
    names = [field.lstrip("-") for field in order]
    # Reading forward through an ascending field means greater values.
    ops = ["gt" if field.startswith("-") != forward else "lt" for field in order]
    past = Q()
    for i, (name, op) in enumerate(zip(names, ops, strict=True)):
        equal = {names[j]: key[j] for j in range(i)}
        past |= Q(**equal, **{f"{name}__{op}": key[i]})
    if bound:
        past &= Q(**{f"{names[0]}__{ops[0]}e": key[0]})
    return rows.filter(past).order_by(*reading_order(order, direction))


def reading_order(order: Sequence[str], direction: Direction) -> list[str]:
    """``order`` when reading forward, reversed when reading back from a cursor."""
    return list(order) if direction == "after" else [_flip(field) for field in order]


@dataclass(frozen=True)
class Reader:
    """Where a cursor says to read from: ``reader(rows)`` orders and seeks a queryset,
    ``reader.page(fetched, size)`` turns the ``size + 1`` rows read into a page."""

    order: tuple[str, ...]
    salt: str
    direction: Direction = "after"
    key: tuple[Any, ...] | None = None  # None: from the start

    def __call__[T: Model](self, rows: QuerySet[T], *, bound: bool = True) -> QuerySet[T]:
        """``rows`` past the cursor, in reading order (see ``seek`` for ``bound``)."""
        if self.key is None:
            return rows.order_by(*self.order)
        return seek(rows, self.order, self.key, self.direction, bound=bound)

    def ordered[T: Model](self, rows: QuerySet[T]) -> QuerySet[T]:
        """``rows`` in reading order, for rows already known to be past the cursor."""
        return rows.order_by(*reading_order(self.order, self.direction))

    def page[T: Model](self, fetched: list[T], size: int) -> KeysetPage[T]:
        more, rows = len(fetched) > size, fetched[:size]
        if self.direction == "before":
            rows.reverse()
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, self.key is not None
        return KeysetPage(
            rows=rows,
            next_cursor=self._cursor(rows[-1], "after") if rows and has_next else None,
            previous_cursor=self._cursor(rows[0], "before") if rows and has_previous else None,
        )

    def _cursor(self, row: Model, direction: Direction) -> str:
        return encode_cursor(row, self.order, direction, salt=self.salt)


def reader(cursor: str, order: Sequence[str], *, salt: str) -> Reader:
    """A Reader for ``cursor`` (a tampered or missing one reads from the start)."""
    decoded = decode_cursor(cursor, order, salt=salt)
    if decoded is None:
        return Reader(tuple(order), salt)
    return Reader(tuple(order), salt, decoded[0], tuple(decoded[1]))


def keyset_page[T: Model](
    rows: QuerySet[T], order: Sequence[str], *, cursor: str, size: int, salt: str
) -> KeysetPage[T]:
    """One page of ``rows`` in ``order`` (field or annotation names, ``-`` for descending,
    the last one unique); ``cursor`` comes from a previous page's next/previous cursor.
    One query."""
    read = reader(cursor, order, salt=salt)
    return read.page(list(read(rows)[: size + 1]), size)
