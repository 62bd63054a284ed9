"""Private files in any S3-compatible bucket (django-storages), used when configured.

Imported only when ``PORTICO_S3_BUCKET`` is set (settings name this class as a
string; Django imports it on first use of ``storages["private"]``).
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

from portico.files.storage import NO_URL


class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """Objects are private (ACL), never overwritten, and never handed out as URLs."""

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise ValueError(NO_URL)
