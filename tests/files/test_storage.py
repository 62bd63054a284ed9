"""Private storage: files written only for a transaction that commits, never given a URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.files.actions import atomic_with_files, delete_stored_file, read_stored_file
from portico.files.kinds import PHOTO_KINDS
from portico.files.models import StoredFile
from portico.files.storage import PrivateFileSystemStorage, private_storage
from portico.files.uploads import MB, check_upload
from portico.profiles.demo import tiny_png
from tests.profiles.conftest import stored_paths


def _checked(name: str = "card.png") -> object:
    return check_upload(SimpleUploadedFile(name, tiny_png()), kinds=PHOTO_KINDS, max_bytes=MB)


def test_a_stored_file_gets_a_random_name_and_keeps_what_was_detected(
    casey: Client, owner: User, private_files: Path
) -> None:
    with atomic_with_files() as writer:
        stored = writer.store(
            _checked("../My Card.jpg"),  # type: ignore[arg-type]
            practice=casey.practice,
            client=casey,
            purpose="insurance_card",
            by=Actor.for_user(owner),
        )
    assert stored.original_name == "My Card.jpg"
    assert stored.content_type == "image/png"
    assert "Card" not in stored.storage_name and stored.storage_name.endswith(".png")
    assert stored.size == len(tiny_png()) and stored.uploaded_by == owner
    assert read_stored_file(stored) == tiny_png()
    assert [path.name for path in stored_paths(private_files)] == [Path(stored.storage_name).name]


def test_a_file_written_in_a_block_that_fails_is_deleted_again(
    casey: Client, owner: User, private_files: Path
) -> None:
    with pytest.raises(RuntimeError), atomic_with_files() as writer:
        writer.store(
            _checked(),  # type: ignore[arg-type]
            practice=casey.practice,
            client=casey,
            purpose="insurance_card",
            by=Actor.for_user(owner),
        )
        assert len(stored_paths(private_files)) == 1
        raise RuntimeError("something after the write failed")
    assert stored_paths(private_files) == []
    assert not StoredFile.objects.exists()


def test_a_deleted_file_goes_from_storage_once_the_deletion_commits(
    casey: Client, owner: User, private_files: Path, django_capture_on_commit_callbacks: object
) -> None:
    with atomic_with_files() as writer:
        stored = writer.store(
            _checked(),  # type: ignore[arg-type]
            practice=casey.practice,
            client=casey,
            purpose="insurance_card",
            by=Actor.for_user(owner),
        )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        delete_stored_file(stored)
    assert stored_paths(private_files) == []


def test_private_storage_refuses_to_give_a_url(private_files: Path) -> None:
    with pytest.raises(ValueError, match="no public address"):
        private_storage().url("anything.png")
    assert isinstance(private_storage(), PrivateFileSystemStorage)


def test_the_s3_storage_refuses_to_give_a_url_too() -> None:
    pytest.importorskip("storages")
    from portico.files.s3 import PrivateS3Storage

    storage = PrivateS3Storage(
        bucket_name="b", access_key="k", secret_key="s", endpoint_url="http://127.0.0.1:9"
    )
    with pytest.raises(ValueError, match="no public address"):
        storage.url("anything.png")
