"""A file someone uploaded, kept in private storage (``STORAGES["private"]``).

The row holds what we know about the bytes (detected type, size, SHA-256) and the
random name they are stored under; the uploaded file's own name is kept only as
text to show (sanitized), never used as a path.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class FilePurpose(models.TextChoices):
    INSURANCE_CARD = "insurance_card", pgettext_lazy("staff", "Insurance card photo")
    SHARED_DOCUMENT = "shared_document", pgettext_lazy("staff", "Document shared by the practice")
    REQUESTED_DOCUMENT = (
        "requested_document",
        pgettext_lazy("staff", "Document the practice asked for"),
    )


class StoredFile(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField("content type (detected)", max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "client", "purpose"], name="file_client")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def shows_in_browser(self) -> bool:
        """JPEG and PNG show in every browser; HEIC mostly does not (offer a download)."""
        return self.content_type in ("image/jpeg", "image/png")
