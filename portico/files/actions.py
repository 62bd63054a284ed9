"""Writes of private files: store checked bytes, delete a file, all tied to the transaction.

Nothing is written before the upload was checked (``portico.files.uploads``). The
bytes are written inside ``atomic_with_files()``: if anything in the block fails,
the transaction rolls back and the files written in it are deleted, so no file is
left without its row. A file whose row is deleted goes once the deletion commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction

from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.files.models import StoredFile
from portico.files.storage import private_storage
from portico.files.uploads import CheckedUpload
from portico.practices.models import Practice


class FileWriter:
    """Stores files for one atomic block; forgets them again if the block fails."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def store(
        self,
        checked: CheckedUpload,
        *,
        practice: Practice,
        client: Client | None,
        purpose: str,
        by: Actor,
    ) -> StoredFile:
        # A random name: nothing of the uploaded name reaches the storage.
        wanted = f"practice-{practice.pk}/{uuid.uuid4().hex}.{checked.kind.extension}"
        name = private_storage().save(wanted, ContentFile(checked.data))
        self.written.append(name)
        return StoredFile.objects.create(
            practice=practice,
            client=client,
            purpose=purpose,
            original_name=checked.name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
            storage_name=name,
            uploaded_by=by.user,
        )

    def discard(self) -> None:
        storage = private_storage()
        for name in self.written:
            storage.delete(name)
        self.written.clear()


@contextmanager
def atomic_with_files() -> Iterator[FileWriter]:
    """``transaction.atomic()`` whose files are deleted when it rolls back."""
    writer = FileWriter()
    try:
        with transaction.atomic():
            yield writer
    except BaseException:
        writer.discard()
        raise


def delete_stored_file(stored: StoredFile) -> None:
    """Delete the row now and the bytes once that commits (a rollback keeps both)."""
    name = stored.storage_name
    stored.delete()
    transaction.on_commit(lambda: private_storage().delete(name))


def read_stored_file(stored: StoredFile) -> bytes:
    with private_storage().open(stored.storage_name, "rb") as handle:
        data: bytes = handle.read()
    return data
