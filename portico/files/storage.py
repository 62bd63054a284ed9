"""Private file storage: files on disk under the data directory, with no public URL.

``STORAGES["private"]`` (settings) is this class by default, or ``PrivateS3Storage``
(``portico.files.s3``) when an S3-compatible bucket is configured. Either way a
file is only ever served by a view that checks who is asking.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages

NO_URL = "A private file has no public address; serve it through a view."


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are never served by URL (only by checked views)."""

    def url(self, name: str | None) -> str:
        raise ValueError(NO_URL)


def private_storage() -> Storage:
    """Looked up on each use (not fixed on a field), so settings and tests decide where."""
    return storages["private"]
