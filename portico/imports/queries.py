"""Reads: the scoped lookup, the list of imports, the dry run of one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from portico.imports.checking import Decision, OnFile, decide, parse_file
from portico.imports.models import ClientImport, ImportRow, Outcome, import_storage
from portico.imports.reading import split
from portico.lib.localtime import practice_today
from portico.practices.models import Practice
from portico.practices.roles import Can, staff_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portico.accounts.models import User

SHOWN_ROWS = 200  # rows listed on the dry-run and result pages; the CSV has them all


def get_import_for_staff(
    user: User | AnonymousUser, practice: Practice, public_id: Any
) -> ClientImport:
    """The import ``public_id`` of ``practice`` for staff who may import; else 404."""
    if not staff_can(user, practice, Can.IMPORT_CLIENTS):
        raise Http404("No such import.")
    found = (
        ClientImport.objects.filter(practice=practice, public_id=public_id)
        .select_related("created_by", "started_by", "invite")
        .first()
    )
    if found is None:
        raise Http404("No such import.")
    return found


def recent_imports(practice: Practice) -> QuerySet[ClientImport]:
    return ClientImport.objects.filter(practice=practice).order_by("-created_at")[:20]


def read_text(client_import: ClientImport) -> str:
    with import_storage().open(client_import.stored_name, "rb") as stored:
        return bytes(stored.read()).decode("utf-8-sig")


@dataclass(frozen=True)
class DryRun:
    decisions: list[Decision]
    counts: Counter[str]

    @property
    def shown(self) -> list[Decision]:
        """Rows that cannot be imported first (they need fixing), then the others."""
        errors = [d for d in self.decisions if d.outcome == Outcome.ERROR]
        others = [d for d in self.decisions if d.outcome != Outcome.ERROR]
        return (errors + others)[:SHOWN_ROWS]

    @property
    def importable(self) -> int:
        return self.counts[Outcome.CREATE] + self.counts[Outcome.UPDATE]


def dry_run(client_import: ClientImport) -> DryRun:
    """What importing the file would do now, row by row; writes nothing."""
    practice = client_import.practice
    headers, records = split(read_text(client_import), client_import.delimiter)
    rows = parse_file(
        records,
        client_import.mapping,
        width=len(headers),
        today=practice_today(practice),
        practice=practice,
        keep_typos=client_import.keep_typos,
    )
    on_file = OnFile.load(practice)
    decisions = [decide(row, on_file) for row in rows]
    return DryRun(decisions, Counter(decision.outcome for decision in decisions))


def first_results(client_import: ClientImport) -> list[ImportRow]:
    """The rows not imported first (they need fixing), then the others, up to SHOWN_ROWS."""
    rows = client_import.rows.select_related("client")
    errors = list(rows.filter(outcome=Outcome.ERROR)[:SHOWN_ROWS])
    return errors + list(rows.exclude(outcome=Outcome.ERROR)[: SHOWN_ROWS - len(errors)])
