"""The S3-compatible store is chosen and checked at start, from the environment (no network)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_env_settings import start_portico

SHOW_PRIVATE_STORAGE = """
import json
from django.conf import settings
print(json.dumps(settings.STORAGES["private"], default=str))
"""
KEYS = {"PORTICO_S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "PORTICO_S3_SECRET_ACCESS_KEY": "s3cr3t"}


def _private_storage(tmp_path: Path, **variables: str) -> dict[str, object]:
    started = start_portico(tmp_path, SHOW_PRIVATE_STORAGE, PORTICO_DEBUG="true", **variables)
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_with_nothing_set_files_stay_in_a_private_folder_under_the_data_directory(
    tmp_path: Path,
) -> None:
    storage = _private_storage(tmp_path)
    assert storage["BACKEND"] == "portico.files.storage.PrivateFileSystemStorage"
    assert storage["OPTIONS"] == {
        "location": str(tmp_path / "private" / "files"),
        "base_url": None,
    }


def test_a_bucket_with_its_keys_selects_the_private_s3_storage(tmp_path: Path) -> None:
    storage = _private_storage(
        tmp_path,
        PORTICO_S3_BUCKET="portico-files",
        PORTICO_S3_ENDPOINT_URL="https://s3.eu-central-003.backblazeb2.com",
        PORTICO_S3_REGION="eu-central-003",
        **KEYS,
    )
    assert storage["BACKEND"] == "portico.files.s3.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert isinstance(options, dict)
    assert options["bucket_name"] == "portico-files"
    assert options["endpoint_url"] == "https://s3.eu-central-003.backblazeb2.com"
    assert options["region_name"] == "eu-central-003"
    assert options["access_key"] == "AKIAEXAMPLE" and options["secret_key"] == "s3cr3t"
    assert options["default_acl"] == "private" and options["querystring_auth"] is False
    assert options["file_overwrite"] is False


def test_a_bucket_without_an_endpoint_or_region_leaves_them_to_boto3(tmp_path: Path) -> None:
    options = _private_storage(tmp_path, PORTICO_S3_BUCKET="b", **KEYS)["OPTIONS"]
    assert isinstance(options, dict)
    assert "endpoint_url" not in options and "region_name" not in options


def test_a_bucket_without_its_keys_stops_start_up_naming_what_is_missing(
    tmp_path: Path,
) -> None:
    started = start_portico(
        tmp_path,
        PORTICO_DEBUG="true",
        PORTICO_S3_BUCKET="portico-files",
        PORTICO_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
    )
    assert started.returncode != 0
    assert (
        "PORTICO_S3_BUCKET is set, so PORTICO_S3_SECRET_ACCESS_KEY must be set too"
        in started.stderr
    )


def test_keys_without_a_bucket_stop_start_up(tmp_path: Path) -> None:
    started = start_portico(tmp_path, PORTICO_DEBUG="true", **KEYS)
    assert started.returncode != 0
    assert "are set but PORTICO_S3_BUCKET is not" in started.stderr


def test_an_endpoint_that_is_not_a_url_stops_start_up(tmp_path: Path) -> None:
    started = start_portico(
        tmp_path, PORTICO_DEBUG="true", PORTICO_S3_BUCKET="b", PORTICO_S3_ENDPOINT_URL="s3", **KEYS
    )
    assert started.returncode != 0
    assert "PORTICO_S3_ENDPOINT_URL must be a URL" in started.stderr
