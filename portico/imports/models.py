"""A client list brought in from another system: the uploaded file, its mapping, its run.

The file stays in private storage (``STORAGES["imports"]``) and is read again by the
dry run and by the task; nothing of its content is kept elsewhere except each row's
outcome (``ImportRow``), written in the same transaction as the row's client.
"""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import pgettext_lazy


def import_storage() -> Storage:
    """Looked up on each use (not fixed on a field), so settings and tests decide where."""
    return storages["imports"]


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("staff", "Columns not matched yet")
    MAPPED = "mapped", pgettext_lazy("staff", "Ready for the dry run")
    QUEUED = "queued", pgettext_lazy("staff", "Waiting to start")
    RUNNING = "running", pgettext_lazy("staff", "Importing")
    DONE = "done", pgettext_lazy("staff", "Finished")
    FAILED = "failed", pgettext_lazy("staff", "Stopped by an error")


class ClientImport(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The name of the upload in ``import_storage()``: never the uploaded file's name.
    stored_name = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200)
    delimiter = models.CharField(max_length=1, default=",")
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)  # data rows, without the header
    # target field -> column index, e.g. {"first_name": 0, "emails": 3}
    mapping = models.JSONField(default=dict)
    # Staff chose to import addresses the typo hint flags (gmial.com) as typed.
    keep_typos = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Counters moved by each chunk, in the chunk's transaction.
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # "Invite everyone imported": the bulk invitation it started (that one invites
    # this import's clients only).
    invite = models.OneToOneField(
        "access.BulkInvite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_import",
    )

    class Meta:
        indexes = [models.Index(fields=["practice", "-created_at"], name="client_import_recent")]

    def __str__(self) -> str:
        return f"Import {self.public_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def has_started(self) -> bool:
        return self.is_running or self.is_finished


class Outcome(models.TextChoices):
    CREATE = "create", pgettext_lazy("staff", "Added")
    UPDATE = "update", pgettext_lazy("staff", "Updated")
    UNCHANGED = "unchanged", pgettext_lazy("staff", "No change")
    ERROR = "error", pgettext_lazy("staff", "Not imported")


class ImportRow(models.Model):
    """What the run did with one row of the file (row 1 is the header, data from row 2).

    Written in the chunk's transaction with the row's client: the run resumes after
    the last row recorded, so no row is done twice.
    """

    client_import = models.ForeignKey(ClientImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
    )
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("client_import", "row_number", name="one_outcome_per_row")
        ]
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.outcome}"
