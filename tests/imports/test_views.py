"""The import screens: who may use them, the flow through HTTP, the outsider's 404s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.imports.actions import start_import
from portico.imports.models import ClientImport, ImportStatus, import_storage
from portico.imports.running import process_client_import
from portico.practices.models import Practice
from tests.cast import at, by
from tests.imports.helpers import csv_text, mapped, row

ONE_CLIENT = csv_text([row("Ada", "Lovelace", "12/10/1985", "ada@example.com", external_id="A-1")])
OBJECT_PAGES = ("mapping", "dry_run", "dry_run_csv", "progress", "results_csv", "invite")


@pytest.fixture
def owner_http(owner: User) -> HttpClient:
    http = HttpClient()
    http.force_login(owner)
    return http


@pytest.fixture
def desk_http(front_desk: User) -> HttpClient:
    http = HttpClient()
    http.force_login(front_desk)
    return http


def _upload(http: HttpClient, practice: Practice, content: bytes, name: str = "c.csv") -> Any:
    return http.post(
        at(practice, "imports:start"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_upload_columns_dry_run_and_start_through_the_screens(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = _upload(owner_http, maple, ONE_CLIENT.encode())
    client_import = ClientImport.objects.get(practice=maple)
    assert response["Location"] == at(maple, "imports:mapping", client_import.public_id)
    page = owner_http.get(response["Location"])
    assert b"Match the columns" in page.content
    # The guess from the column names is preselected.
    assert b'<option value="3" selected>Date of birth</option>' in page.content
    chosen = {name: str(index) for name, index in client_import.mapping.items()}
    response = owner_http.post(at(maple, "imports:mapping", client_import.public_id), chosen)
    assert response["Location"] == at(maple, "imports:dry_run", client_import.public_id)
    page = owner_http.get(response["Location"])
    assert b"Dry run: nothing is saved yet" in page.content
    assert b"Import 1 client" in page.content
    assert not Client.objects.filter(practice=maple).exists()
    download = owner_http.get(at(maple, "imports:dry_run_csv", client_import.public_id))
    csv_body = download.getvalue()
    assert b"2,Will add" in csv_body
    response = owner_http.post(at(maple, "imports:dry_run", client_import.public_id))
    assert response["Location"] == at(maple, "imports:progress", client_import.public_id)
    page = owner_http.get(response["Location"])
    assert b"data-refresh-seconds" in page.content
    assert b"waiting to start" in page.content
    process_client_import(client_import.pk)
    page = owner_http.get(at(maple, "imports:progress", client_import.public_id))
    assert b"data-refresh-seconds" not in page.content
    assert b"Client import: finished" in page.content
    assert b"Invite everyone imported" in page.content


def test_a_file_with_a_bom_and_semicolons_is_read_like_any_other(
    maple: Practice, owner_http: HttpClient
) -> None:
    content = "\ufeff" + csv_text([row("Zoë", "Müller", "1985-12-10", "zoe@example.com")], sep=";")
    _upload(owner_http, maple, content.encode())
    client_import = ClientImport.objects.get(practice=maple)
    assert client_import.delimiter == ";"
    assert client_import.headers[0] == "First name"  # no BOM glued to the first name
    assert set(client_import.mapping) >= {"first_name", "last_name", "date_of_birth", "emails"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("Prénom,Nom\nZoë,Müller\n".encode("latin-1"), b"not saved as UTF-8"),
        ("First name,Last name\nAda,L\n".encode("utf-16"), b"not saved as UTF-8"),
        (b"First name,Last name\n", b"no clients below them"),
        (b",,\nAda,Lovelace,1985-12-10\n", b"first row must name the columns"),
        (b"", b"The submitted file is empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_to_do(
    maple: Practice, owner_http: HttpClient, content: bytes, words: bytes
) -> None:
    response = _upload(owner_http, maple, content)
    assert response.status_code == 200
    assert words in response.content.replace("\u2019".encode(), b"'")
    assert not ClientImport.objects.exists()


def test_at_most_50000_rows_are_taken(maple: Practice, owner_http: HttpClient) -> None:
    header = b"First name,Last name,Date of birth\n"
    fifty_thousand = header + b"A,B,1990-01-01\n" * 50_000
    response = _upload(owner_http, maple, fifty_thousand + b"A,B,1990-01-01\n")
    assert b"50,001 rows; at most 50,000" in response.content
    response = _upload(owner_http, maple, fifty_thousand)
    assert response.status_code == 302


def test_a_file_over_20_mb_is_refused(maple: Practice, owner_http: HttpClient) -> None:
    content = b"First name,Notes\n" + b"A," + b"x" * (20 * 1024 * 1024) + b"\n"
    response = _upload(owner_http, maple, content)
    assert b"larger than 20 MB" in response.content


def test_the_mapping_needs_the_names_and_birth_date_and_one_field_per_column(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    client_import = mapped(maple, owner, ONE_CLIENT)
    url = at(maple, "imports:mapping", client_import.public_id)
    response = owner_http.post(url, {"first_name": "0", "last_name": "1"})
    assert b"Choose the column with the date of birth." in response.content
    response = owner_http.post(url, {"first_name": "0", "last_name": "0", "date_of_birth": "3"})
    assert b"Each column can fill one field only." in response.content


def test_the_uploaded_file_is_kept_in_private_storage_without_a_public_address(
    maple: Practice, owner: User, settings: LazySettings
) -> None:
    client_import = mapped(maple, owner, ONE_CLIENT)
    location = Path(settings.STORAGES["imports"]["OPTIONS"]["location"])  # type: ignore[index]
    storage = import_storage()
    assert Path(storage.path(client_import.stored_name)).is_relative_to(location)
    # Never the uploaded name ("clients.csv"), a random one. (Asking whether "c.csv" is in
    # it failed whenever the random name happened to end in "c".)
    stored = Path(client_import.stored_name)
    assert "clients" not in stored.name and len(stored.stem) >= 16
    with pytest.raises(ValueError, match="no public address"):
        storage.url(client_import.stored_name)


def test_front_desk_cannot_import(maple: Practice, owner: User, desk_http: HttpClient) -> None:
    assert desk_http.get(at(maple, "imports:start")).status_code == 403
    assert _upload(desk_http, maple, ONE_CLIENT.encode()).status_code == 403
    client_import = mapped(maple, owner, ONE_CLIENT)
    for name in OBJECT_PAGES:
        url = at(maple, f"imports:{name}", client_import.public_id)
        assert desk_http.get(url).status_code == 404, name
        assert desk_http.post(url).status_code == 404, name
    assert ClientImport.objects.get().status == ImportStatus.MAPPED


def test_the_client_list_offers_the_import_to_owners_only(
    maple: Practice, owner_http: HttpClient, desk_http: HttpClient
) -> None:
    assert b"Import from CSV" in owner_http.get(at(maple, "clients:list")).content
    assert b"Import from CSV" not in desk_http.get(at(maple, "clients:list")).content


def test_the_outsider_gets_404_for_every_import_url_of_maple(
    maple: Practice, owner: User, birch: Practice, outsider_http: HttpClient
) -> None:
    client_import = start_import(mapped(maple, owner, ONE_CLIENT), by=by(owner))
    process_client_import(client_import.pk)
    for name in OBJECT_PAGES:
        url = at(birch, f"imports:{name}", client_import.public_id)
        assert outsider_http.get(url).status_code == 404, name
        assert outsider_http.post(url).status_code == 404, name
    client_import.refresh_from_db()
    assert client_import.invite is None


def test_the_personal_information_page_shows_the_external_id(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    from tests.cast import make_client

    ada = make_client(maple, owner, "Ada", "Lovelace", external_id="EHR-77")
    noah = make_client(maple, owner, "Noah", "Noid")
    page = owner_http.get(at(maple, "clients:personal_information", ada.public_id))
    assert b"External id (from an import or the API): EHR-77" in page.content
    page = owner_http.get(at(maple, "clients:personal_information", noah.public_id))
    assert b"External id" not in page.content


def test_two_clients_of_one_practice_never_share_an_external_id(
    maple: Practice, owner: User, birch: Practice, outsider: User
) -> None:
    from django.core.exceptions import ValidationError

    from tests.cast import make_client

    make_client(maple, owner, "Ada", "Lovelace", external_id="EHR-1")
    make_client(maple, owner, "No", "Id")
    make_client(maple, owner, "Also", "NoId")  # blank ids are not unique
    make_client(birch, outsider, "Other", "Practice", external_id="EHR-1")
    with pytest.raises(ValidationError, match="has this external id"):
        make_client(maple, owner, "Bob", "Byron", external_id="EHR-1")
