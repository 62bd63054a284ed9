"""Client import: the dry run of a 50 000-row CSV through the whole stack (goal: under 10 s).

    .venv/bin/python bench/import_dry_run.py [ROWS] [--run]

Generates a client list of ROWS rows (default 50 000): names, dates of birth in
both accepted formats, one or two email addresses, phones, external ids, a
minor's contact on one row in ten, and a bad row in fifty (a mistyped address,
a date that does not exist). A tenth of the rows' external ids are already on
file (they become updates or "no change").

Timed, for a signed-in owner through the Django test client (every middleware,
the template): the upload (POST), the column mapping (POST) and the dry-run page
(GET), which reads the stored file, checks every row and matches it against the
clients on file. The dry run is the number against the 10 s goal. With --run,
the import task then runs in-process (timed, no goal: it is a background task
writing through the staff screens' actions, with their audit events).
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import boot, practice_with_front_desk  # noqa: E402 (after the path is set)

GOAL_SECONDS = 10.0
DOMAINS = ("example.com", "gmail.com", "yahoo.com", "outlook.com", "clinic.example.org")


def client_list(rows: int, seed: int = 12) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "First name",
            "Last name",
            "Preferred name",
            "Date of birth",
            "Email",
            "Phone",
            "Patient ID",
            "Guardian first name",
            "Guardian last name",
            "Guardian email",
        ]
    )
    for i in range(rows):
        minor = i % 10 == 0
        year = rng.randint(2012, 2019) if minor else rng.randint(1940, 2004)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        dob = f"{month:02}/{day:02}/{year}" if i % 2 else f"{year}-{month:02}-{day:02}"
        emails = f"client{i}@{rng.choice(DOMAINS)}"
        if i % 7 == 0:
            emails += f"; other{i}@example.net"
        if i % 50 == 1:
            emails = f"client{i}@gmial.com"  # stopped by the typo hint
        if i % 50 == 2:
            dob = "02/30/1990"  # not a real date
        contact = [f"Parent{i}", f"Last{i}", f"parent{i}@example.com"] if minor else ["", "", ""]
        writer.writerow(
            [
                f"First{i}",
                f"Last{i}",
                "",
                dob,
                emails,
                f"555 {i % 1000:03} {i % 10000:04}",
                f"EHR-{i:06}",
                *contact,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    rows = int(args[0]) if args else 50_000
    also_run = "--run" in sys.argv
    boot()
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client as HttpClient

    from portico.clients.models import Client
    from portico.imports.models import ClientImport, ImportStatus
    from portico.imports.running import process_client_import
    from portico.lib.urls import practice_path

    practice, owner, _desk = practice_with_front_desk("importbench")
    # A tenth of the file is already on file (as if imported before, one detail older).
    Client.objects.bulk_create(
        Client(
            practice=practice,
            first_name=f"First{i}",
            last_name=f"Last{i}",
            date_of_birth=date(1970, 1, 1),
            external_id=f"EHR-{i:06}",
        )
        for i in range(0, rows, 10)
    )
    http = HttpClient()
    http.force_login(owner)

    def url(name: str, *args: object) -> str:
        return f"/p/{practice.slug}{practice_path(name, *args)}"

    started = time.perf_counter()
    content = client_list(rows)
    generated = time.perf_counter() - started
    print(f"generated {rows:,} rows ({len(content) / 1e6:.1f} MB) in {generated:.2f} s")

    started = time.perf_counter()
    response = http.post(
        url("imports:start"), {"file": SimpleUploadedFile("clients.csv", content, "text/csv")}
    )
    upload = time.perf_counter() - started
    assert response.status_code == 302, response.content[:2000]
    client_import = ClientImport.objects.get(practice=practice)
    print(f"upload (checked and stored):      {upload:6.2f} s")

    mapping = {name: str(index) for name, index in client_import.mapping.items()}
    started = time.perf_counter()
    response = http.post(url("imports:mapping", client_import.public_id), mapping)
    assert response.status_code == 302, response.content[:2000]
    print(f"column mapping saved:             {time.perf_counter() - started:6.2f} s")

    started = time.perf_counter()
    response = http.get(url("imports:dry_run", client_import.public_id))
    dry_run = time.perf_counter() - started
    assert response.status_code == 200
    assert b"Dry run" in response.content
    verdict = "meets" if dry_run <= GOAL_SECONDS else "MISSES"
    print(
        f"dry run of {rows:,} rows (GET):     {dry_run:6.2f} s   goal <= {GOAL_SECONDS:.0f} s: "
        f"{verdict} ({dry_run / GOAL_SECONDS:.2f} of the budget)"
    )

    if also_run:
        response = http.post(url("imports:dry_run", client_import.public_id))
        assert response.status_code == 302
        started = time.perf_counter()
        process_client_import(client_import.pk)
        took = time.perf_counter() - started
        client_import.refresh_from_db()
        assert client_import.status == ImportStatus.DONE
        print(
            f"import task:                      {took:6.2f} s   ({rows / took:,.0f} rows/s: "
            f"{client_import.created} added, {client_import.updated} updated, "
            f"{client_import.unchanged} unchanged, {client_import.errors} not imported)"
        )


if __name__ == "__main__":
    main()
