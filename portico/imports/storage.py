"""Private file storage for imports: the one class lives in portico.files.storage."""

from __future__ import annotations

from portico.files.storage import PrivateFileSystemStorage

__all__ = ["PrivateFileSystemStorage"]
