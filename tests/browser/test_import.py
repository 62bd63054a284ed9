"""Browser: import a client list: upload, match the columns, dry run, progress, summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.clients.models import Client
from portico.imports.models import ClientImport
from portico.imports.running import run_client_import
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at
from tests.imports.helpers import csv_text, row

CLIENT_LIST = csv_text(
    [
        row("Ada", "Lovelace", "12/10/1985", "ada@example.com", external_id="EHR-1"),
        row(
            "Mia",
            "Minor",
            "2018-05-02",
            external_id="EHR-2",
            contact=("Pat", "Parent", "pat@example.com"),
        ),
        row("Gus", "Typo", "03/04/1977", "gus@gmial.com", external_id="EHR-3"),
        row("", "Nofirst", "03/04/1977", external_id="EHR-4"),
        row("Dee", "Dup", "03/04/1977", external_id="EHR-1"),
    ],
    sep=";",
)


@pytest.fixture(autouse=True)
def _private_import_storage(settings: LazySettings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "portico.imports.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports", "base_url": None},
        },
    }


@pytest.mark.parametrize("tab_name", ["page", "phone"])
def test_staff_import_a_client_list_after_a_dry_run_and_watch_it_finish(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User, tmp_path: Path
) -> None:
    tab = request.getfixturevalue(tab_name)
    upload = tmp_path / "from-the-ehr.csv"
    upload.write_bytes(("\ufeff" + CLIENT_LIST).encode())
    sign_in_as(tab, live_server, owner)
    tab.goto(live_server.url + at(maple, "clients:list"))
    tab.get_by_role("link", name="Import from CSV…").click()
    expect(tab.get_by_role("heading", name="Import clients from a CSV file")).to_be_visible()
    tab.get_by_label("Client list (CSV)").set_input_files(str(upload))
    screenshot(tab, f"import-upload-{tab_name}")
    tab.get_by_role("button", name="Upload and match columns").click()

    expect(tab.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(tab.get_by_text("separated by semicolons")).to_be_visible()
    # Guessed from the column names.
    assert tab.get_by_label("Date of birth").input_value() == "3"
    assert tab.get_by_label("External id (optional)").input_value() == "6"
    screenshot(tab, f"import-columns-{tab_name}")
    tab.get_by_role("button", name="See the dry run").click()

    expect(tab.get_by_role("heading", name="Dry run: nothing is saved yet")).to_be_visible()
    rows = tab.locator("table.import-rows tbody tr")
    expect(rows).to_have_count(5)
    # Rows that cannot be imported come first, each with its row number and reason.
    assert (
        "4" in rows.nth(0).inner_text() and "did you mean gus@gmail.com" in rows.nth(0).inner_text()
    )
    expect(rows.nth(1)).to_contain_text("First name is missing", use_inner_text=True)
    expect(rows.nth(2)).to_contain_text("External id EHR-1 is also on row 2", use_inner_text=True)
    screenshot(tab, f"import-dry-run-{tab_name}")
    assert not Client.objects.filter(practice=maple).exists()
    tab.get_by_role("button", name="Import 2 clients").click()

    expect(tab.get_by_role("heading", name="Client import: waiting to start")).to_be_visible()
    expect(tab.locator("#progress[data-refresh-seconds]")).to_have_count(1)
    screenshot(tab, f"import-waiting-{tab_name}")
    run_client_import.call(ClientImport.objects.get().pk)  # what the worker does
    tab.reload()
    expect(tab.get_by_role("heading", name="Client import: finished")).to_be_visible()
    expect(tab.locator("[data-refresh-seconds]")).to_have_count(0)
    expect(tab.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(tab.get_by_role("button", name="Invite everyone imported…")).to_be_visible()
    screenshot(tab, f"import-done-{tab_name}")
    assert Client.objects.filter(practice=maple).count() == 2
