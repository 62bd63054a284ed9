"""Private file storage: files on disk under the data directory, with no public URL."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are never served by URL (only by checked views)."""

    def url(self, name: str | None) -> str:
        raise ValueError("A private file has no public address; serve it through a view.")
