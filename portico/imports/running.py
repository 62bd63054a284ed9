"""The import run: a task that writes the file's rows CHUNK at a time, resumable.

The staff request only marks the import queued and enqueues ``run_client_import``
(django-tasks-db keeps the task row in our database, in that same transaction).
The task reads the stored file again, skips the rows already recorded, and for
each chunk, in one transaction: decides every row again against the database as
it is now (someone may have added a client meanwhile), writes each row through
the same actions as the staff screens (``portico.access.people.add_client``,
``update_client_details``, ``add_client_email``, ``add_contact``: the same audit
events and checks), records each row's outcome (``ImportRow``) and moves the
counters. A row's writes are all or nothing (a savepoint each).

Idempotent: a row whose client is on file with the same details is "no change",
so importing the same file twice changes nothing. Resumable: a chunk commits its
rows' outcomes with its writes, so a run restarted after its worker died goes
on after the last committed row (``resume_stalled_imports``, from
``manage.py periodic``). The import never sends an invitation by itself:
``send_invitation=False``; "Invite everyone imported" is its own step.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.tasks import task
from django.utils import timezone

from portico.access import people
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients import actions as client_actions
from portico.clients.models import Client, Relationship
from portico.imports.checking import Decision, OnFile, Parsed, decide, parse_file
from portico.imports.models import ClientImport, ImportRow, ImportStatus, Outcome
from portico.imports.queries import read_text
from portico.imports.reading import split
from portico.lib.localtime import practice_today

CHUNK = 500
CONTACT_NOTE = "parent or guardian (imported)"
COUNTER = {
    Outcome.CREATE: "created",
    Outcome.UPDATE: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.ERROR: "errors",
}


@task()
def run_client_import(import_id: int) -> str:
    """Import the rows of one client list not imported yet (safe to run again)."""
    return process_client_import(import_id)


def process_client_import(import_id: int) -> str:
    client_import = ClientImport.objects.select_related("practice", "started_by").get(pk=import_id)
    if client_import.is_finished:
        return f"import {client_import.public_id} had already finished"
    practice = client_import.practice
    by = Actor.for_user(client_import.started_by) if client_import.started_by else Actor.system()
    try:
        ClientImport.objects.filter(pk=import_id).update(status=ImportStatus.RUNNING)
        headers, records = split(read_text(client_import), client_import.delimiter)
        rows = parse_file(
            records,
            client_import.mapping,
            width=len(headers),
            today=practice_today(practice),
            practice=practice,
            keep_typos=client_import.keep_typos,
        )
        done = client_import.rows.aggregate(last=Max("row_number"))["last"] or 0
        todo = [row for row in rows if row.number > done]
        for start in range(0, len(todo), CHUNK):
            _import_chunk(client_import, todo[start : start + CHUNK], by=by)
    except Exception as error:
        ClientImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        client_import.refresh_from_db()
        record(
            Action.IMPORT_FAILED,
            practice=practice,
            actor=by,
            details={"import": str(client_import.public_id), "done": client_import.processed},
        )
        raise
    ClientImport.objects.filter(pk=import_id).update(
        status=ImportStatus.DONE, finished_at=timezone.now()
    )
    client_import.refresh_from_db()
    counts = {name: getattr(client_import, name) for name in COUNTER.values()}
    # Counts only: no names, addresses or row contents in the audit log.
    record(
        Action.IMPORT_FINISHED,
        practice=practice,
        actor=by,
        details={"import": str(client_import.public_id), **counts},
    )
    return f"import {client_import.public_id}: " + ", ".join(
        f"{count} {name}" for name, count in counts.items()
    )


@transaction.atomic
def _import_chunk(client_import: ClientImport, rows: list[Parsed], *, by: Actor) -> None:
    # One run at a time writes an import: a second worker on the same import waits
    # here, then sees the rows already recorded and skips them.
    ClientImport.objects.select_for_update().filter(pk=client_import.pk).values_list("pk").first()
    done = set(
        client_import.rows.filter(row_number__in=[row.number for row in rows]).values_list(
            "row_number", flat=True
        )
    )
    rows = [row for row in rows if row.number not in done]
    on_file = OnFile.load(client_import.practice, rows)
    results: list[ImportRow] = []
    for row in rows:
        decision = decide(row, on_file)
        client: Client | None = None
        if decision.outcome != Outcome.ERROR:
            try:
                with transaction.atomic():
                    client = _write(client_import, decision, by=by)
            except ValidationError as error:
                decision.outcome = Outcome.ERROR
                decision.message = " ".join(error.messages)
                client = None
            else:
                _remember(on_file, decision, client)
        results.append(
            ImportRow(
                client_import=client_import,
                row_number=row.number,
                outcome=decision.outcome,
                client=client,
                message=decision.message[:300],
            )
        )
    ImportRow.objects.bulk_create(results)
    counts: dict[str, Any] = {"processed": F("processed") + len(results)}
    for outcome, name in COUNTER.items():
        n = sum(1 for result in results if result.outcome == outcome)
        if n:
            counts[name] = F(name) + n
    ClientImport.objects.filter(pk=client_import.pk).update(**counts)


def _write(client_import: ClientImport, decision: Decision, *, by: Actor) -> Client:
    row = decision.parsed
    assert row is not None  # noqa: S101 (decide always keeps the row)
    values = row.values
    if decision.outcome == Outcome.CREATE:
        client = people.add_client(
            client_import.practice,
            by=by,
            first_name=values["first_name"],
            last_name=values["last_name"],
            date_of_birth=values["date_of_birth"],
            emails=row.emails,
            preferred_name=values.get("preferred_name", ""),
            phone=values.get("phone", ""),
            external_id=row.external_id,
            # The practice's rule, as on the staff screen: off for a minor.
            portal_access_enabled=None,
            # Never one email per row: "Invite everyone imported" is its own step.
            send_invitation=False,
        )
    else:
        assert decision.client_id is not None  # noqa: S101 (an update names its client)
        client = Client.objects.select_related("practice").get(
            pk=decision.client_id, practice=client_import.practice
        )
        if decision.changes:
            people.update_client_details(client, by=by, **decision.changes)
        for address in decision.new_emails:
            client_actions.add_client_email(client, by=by, address=address)
    if decision.add_contact:
        email = str(values.get("contact_email", ""))
        people.add_contact(
            client,
            by=by,
            first_name=values["contact_first_name"],
            last_name=values["contact_last_name"],
            relationship=Relationship.OTHER,
            relationship_note=CONTACT_NOTE,
            email=email,
            is_primary=True,
            portal_access_enabled=bool(email),
        )
    return client


def _remember(on_file: OnFile, decision: Decision, client: Client) -> None:
    """Later rows of the chunk see this row's client (a file names each person once,
    but a name-matched row and an id-matched row may still meet)."""
    row = decision.parsed
    if row is None or decision.outcome != Outcome.CREATE:
        return
    facts = {
        "pk": client.pk,
        "external_id": client.external_id,
        "archived_at": None,
        **{name: getattr(client, name) for name in ("first_name", "last_name")},
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth,
        "phone": client.phone,
    }
    if client.external_id:
        on_file.by_external_id[client.external_id] = facts
    key = (client.first_name.lower(), client.last_name.lower(), client.date_of_birth)
    on_file.by_name.setdefault(key, []).append(facts)


# An import of 50 000 rows takes minutes; one untouched for this long lost its worker.
# Resuming is safe even if it was not: chunks are serialized on the import row and
# skip the rows already recorded.
STALLED_AFTER = timedelta(minutes=15)


def resume_stalled_imports(at: datetime | None = None) -> int:
    """Enqueue again the imports whose worker died (for ``manage.py periodic``)."""
    at = at or timezone.now()
    stalled = ClientImport.objects.filter(
        status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING),
        started_at__lt=at - STALLED_AFTER,
    ).values_list("pk", flat=True)
    resumed = 0
    for import_id in stalled:
        run_client_import.enqueue(import_id)
        resumed += 1
    return resumed
