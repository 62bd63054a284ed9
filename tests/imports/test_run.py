"""The import task: chunks, progress, idempotence, updates, resuming, no emails of its own."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.access.bulk import process_bulk_invite
from portico.access.models import AccessLink, BulkInvite
from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client, ClientEmail, Contact
from portico.imports import running
from portico.imports.actions import invite_everyone_imported, start_import
from portico.imports.models import ClientImport, ImportRow, ImportStatus, Outcome
from portico.imports.results import result_lines
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.cast import by, make_client
from tests.imports.helpers import csv_text, mapped, row, run

FAMILY = csv_text(
    [
        row(
            "Ada", "Lovelace", "12/10/1985", "ada@example.com; ada.l@example.org", external_id="A-1"
        ),
        row(
            "Mia",
            "Minor",
            "2018-05-02",
            phone="555 123 4567",
            external_id="M-1",
            contact=("Pat", "Parent", "pat@example.com"),
        ),
        row("Noor", "NoId", "07/04/1990"),
        row("", "Broken", "07/04/1990"),
    ]
)


def _snapshot(practice: Practice) -> tuple[object, ...]:
    clients = Client.objects.filter(practice=practice).order_by("pk")
    return (
        list(
            clients.values_list("first_name", "last_name", "date_of_birth", "phone", "external_id")
        ),
        list(
            ClientEmail.objects.filter(practice=practice).values_list(
                "client_id", "address", "is_default"
            )
        ),
        list(
            Contact.objects.filter(practice=practice).values_list(
                "client_id", "first_name", "email"
            )
        ),
    )


def test_an_import_adds_the_clients_through_the_staff_actions_and_sends_nothing(
    maple: Practice, owner: User
) -> None:
    done = run(maple, owner, FAMILY)
    assert (done.status, done.created, done.errors, done.processed) == (ImportStatus.DONE, 3, 1, 4)
    ada = Client.objects.get(practice=maple, external_id="A-1")
    assert list(ada.emails.values_list("address", "is_default")) == [
        ("ada@example.com", True),
        ("ada.l@example.org", False),
    ]
    mia = Client.objects.get(practice=maple, external_id="M-1")
    # The practice's rule as on the staff screen: a minor's own access is off, the
    # parent's contact record gets it (an address is on file for them).
    assert access_is_on(ada) and not access_is_on(mia)
    pat = mia.contacts.get()
    assert (pat.full_name, pat.email, pat.is_primary) == ("Pat Parent", "pat@example.com", True)
    assert access_is_on(pat)
    # Audited like the staff screen, and nobody emailed.
    assert AuditEvent.objects.filter(action=Action.CLIENT_ADDED, client=ada).exists()
    assert not OutboundEmail.objects.filter(practice=maple).exists()
    assert not AccessLink.objects.filter(practice=maple).exists()


def test_importing_the_same_file_twice_changes_nothing(maple: Practice, owner: User) -> None:
    run(maple, owner, FAMILY)
    before = _snapshot(maple)
    events = (
        AuditEvent.objects.filter(practice=maple)
        .exclude(action__startswith="clients.import")
        .count()
    )
    again = run(maple, owner, FAMILY)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, 1)
    assert _snapshot(maple) == before
    assert (
        AuditEvent.objects.filter(practice=maple)
        .exclude(action__startswith="clients.import")
        .count()
        == events
    )


def test_a_row_with_a_known_external_id_updates_that_client(maple: Practice, owner: User) -> None:
    ada = make_client(
        maple,
        owner,
        "Ada",
        "Byron",
        dob=date(1985, 12, 10),
        emails=("ada@example.com",),
        external_id="A-1",
    )
    done = run(
        maple,
        owner,
        csv_text(
            [
                row(
                    "Ada",
                    "Lovelace",
                    "12/10/1985",
                    "ada@example.com; new@example.com",
                    phone="555 987 6543",
                    external_id="A-1",
                )
            ]
        ),
    )
    assert (done.created, done.updated) == (0, 1)
    ada.refresh_from_db()
    assert (ada.last_name, ada.phone) == ("Lovelace", "555 987 6543")
    assert sorted(ada.emails.values_list("address", flat=True)) == [
        "ada@example.com",
        "new@example.com",
    ]
    assert ada.emails.get(is_default=True).address == "ada@example.com"
    changed = AuditEvent.objects.get(action=Action.CLIENT_DETAILS_CHANGED, client=ada)
    assert changed.details == {"fields": ["last_name", "phone"]}
    outcome = ImportRow.objects.get(client_import=done)
    assert (outcome.outcome, outcome.client) == (Outcome.UPDATE, ada)


def _many(rows: int) -> str:
    return csv_text(
        row(
            f"First{i}",
            f"Last{i}",
            f"{1 + i % 12:02}/{1 + i % 28:02}/{1950 + i % 50}",
            f"c{i}@example.com",
            external_id=f"E{i}",
        )
        for i in range(rows)
    )


def test_a_large_file_runs_as_a_task_in_chunks_with_progress(
    maple: Practice, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2 000 rows here (four chunks, ~15 s); bench/import_dry_run.py --run imports 50 000.
    client_import = start_import(mapped(maple, owner, _many(2000)), by=by(owner))
    assert client_import.status == ImportStatus.QUEUED
    assert DBTaskResult.objects.filter(task_path__endswith="run_client_import").count() == 1
    seen: list[int] = []
    chunk = running._import_chunk

    def watched(*args: object, **kwargs: object) -> None:
        chunk(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(ClientImport.objects.get(pk=client_import.pk).processed)

    monkeypatch.setattr(running, "_import_chunk", watched)
    running.process_client_import(client_import.pk)
    assert seen == list(range(500, 2001, 500))
    client_import.refresh_from_db()
    assert (client_import.status, client_import.created) == (ImportStatus.DONE, 2000)
    assert Client.objects.filter(practice=maple).count() == 2000
    assert client_import.rows.count() == 2000


def test_a_run_whose_worker_died_is_resumed_and_does_no_row_twice(
    maple: Practice, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(running, "CHUNK", 100)
    client_import = start_import(mapped(maple, owner, _many(300)), by=by(owner))
    chunk = running._import_chunk
    calls = 0

    def dies_after_two(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise SystemExit("worker killed")  # not caught as a failure: the worker is gone
        chunk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(running, "_import_chunk", dies_after_two)
    with pytest.raises(SystemExit):
        running.process_client_import(client_import.pk)
    client_import.refresh_from_db()
    assert (client_import.status, client_import.processed) == (ImportStatus.RUNNING, 200)
    monkeypatch.setattr(running, "_import_chunk", chunk)
    # Not yet: it may still be working.
    assert running.resume_stalled_imports() == 0
    later = timezone.now() + running.STALLED_AFTER + timedelta(minutes=1)
    assert running.resume_stalled_imports(at=later) == 1
    running.process_client_import(client_import.pk)
    client_import.refresh_from_db()
    assert (client_import.status, client_import.created, client_import.processed) == (
        ImportStatus.DONE,
        300,
        300,
    )
    assert Client.objects.filter(practice=maple).count() == 300


def test_invite_everyone_imported_invites_only_this_imports_clients(
    maple: Practice, owner: User, casey: Client
) -> None:
    done = run(maple, owner, FAMILY)
    bulk = invite_everyone_imported(done, by=by(owner))
    assert invite_everyone_imported(done, by=by(owner)) == bulk  # a second click: the same one
    process_bulk_invite(bulk.pk)
    bulk = BulkInvite.objects.get(pk=bulk.pk)
    invited = set(
        AccessLink.objects.filter(practice=maple).values_list(
            "access__client__first_name", flat=True
        )
    )
    # Ada has an address and access; Mia is a minor (her parent is invited from her
    # page); Noor has no address; Casey was not in the file.
    assert invited == {"Ada"}
    assert bulk.sent == 1
    assert bulk.not_eligible == {"access_off": 1, "no_email": 1}


def test_the_result_csv_lists_every_row_and_never_exports_a_formula(
    maple: Practice, owner: User
) -> None:
    done = run(
        maple,
        owner,
        csv_text([row('=HYPERLINK("http://x")', "+Plus", external_id="@1"), row("", "-Minus")]),
    )
    lines = list(csv.reader(io.StringIO("".join(result_lines(done)).lstrip("\ufeff"))))
    assert lines[0][0] == "Row"
    assert lines[1][:2] == ["2", "Added"]
    assert lines[1][3:] == ['\'=HYPERLINK("http://x")', "'+Plus", "'@1"]
    assert lines[2][:2] == ["3", "Not imported"] and "First name is missing" in lines[2][2]
    assert lines[2][4] == "'-Minus"
    # Stored as typed: only the export is escaped.
    assert Client.objects.get(practice=maple).first_name == '=HYPERLINK("http://x")'


def test_the_audit_log_has_started_and_finished_with_counts_and_no_row_contents(
    maple: Practice, owner: User
) -> None:
    done = run(maple, owner, FAMILY)
    started = AuditEvent.objects.get(action=Action.IMPORT_STARTED)
    finished = AuditEvent.objects.get(action=Action.IMPORT_FINISHED)
    assert started.details == {"import": str(done.public_id), "rows": 4}
    assert finished.details == {
        "import": str(done.public_id),
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": 1,
    }
    assert finished.actor == owner
