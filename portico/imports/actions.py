"""Writes of an import: keep the upload, save the column mapping, start the run, invite.

The run itself (the task, its chunks, resuming) is in ``portico.imports.running``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from portico.access.bulk import start_bulk_invite, unfinished_bulk_invite
from portico.access.models import BulkInvite
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.imports.fields import REQUIRED, TARGET_NAMES, guess_mapping, in_a_sentence
from portico.imports.models import ClientImport, ImportStatus, import_storage
from portico.imports.reading import MAX_BYTES, read_upload, too_big
from portico.practices.models import Practice

ALREADY_STARTED = pgettext_lazy(
    "staff", "This import has already started: its columns can no longer change."
)


@transaction.atomic
def upload_client_list(
    practice: Practice, *, by: Actor, uploaded: UploadedFile[bytes]
) -> ClientImport:
    """Check the file (encoding, separator, size, rows) and keep it in private storage,
    with a first guess of the columns from their names."""
    if uploaded.size is None or uploaded.size > MAX_BYTES:
        raise too_big()
    raw = uploaded.read()
    csv_file = read_upload(raw)
    client_import = ClientImport(
        practice=practice,
        created_by=by.user,
        created_at=timezone.now(),
        original_name=(uploaded.name or "clients.csv")[-200:],
        delimiter=csv_file.delimiter,
        headers=csv_file.headers,
        row_count=csv_file.row_count,
        mapping=guess_mapping(csv_file.headers),
    )
    # Saved as received: the dry run and the task read the same bytes again.
    client_import.stored_name = import_storage().save(
        f"practice-{practice.pk}/{client_import.public_id}.csv", ContentFile(raw)
    )
    client_import.save()
    record(
        Action.IMPORT_UPLOADED,
        practice=practice,
        actor=by,
        details={"import": str(client_import.public_id), "rows": csv_file.row_count},
    )
    return client_import


@transaction.atomic
def save_mapping(
    client_import: ClientImport, *, by: Actor, mapping: Mapping[str, int], keep_typos: bool
) -> ClientImport:
    """Which column fills which field; a column fills one field at most."""
    locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    if locked.has_started:
        raise ValidationError(ALREADY_STARTED, code="started")
    width = len(locked.headers)
    clean = {name: int(index) for name, index in mapping.items() if name in TARGET_NAMES}
    if any(not 0 <= index < width for index in clean.values()):
        raise ValidationError(
            pgettext("staff", "Choose a column of the file."), code="no_such_column"
        )
    missing = [name for name in REQUIRED if name not in clean]
    if missing:
        raise ValidationError(
            pgettext("staff", "Choose the columns for %(details)s: every client needs them.")
            % {"details": ", ".join(in_a_sentence(name) for name in missing)},
            code="required",
        )
    if len(set(clean.values())) != len(clean):
        raise ValidationError(
            pgettext("staff", "Each column can fill one field only."), code="twice"
        )
    locked.mapping = clean
    locked.keep_typos = keep_typos
    locked.status = ImportStatus.MAPPED
    locked.save(update_fields=["mapping", "keep_typos", "status"])
    return locked


@transaction.atomic
def start_import(client_import: ClientImport, *, by: Actor) -> ClientImport:
    """Queue the run (after the dry run); a second click returns the same run."""
    from portico.imports.running import run_client_import

    locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    if locked.has_started:
        return locked
    if locked.status != ImportStatus.MAPPED:
        raise ValidationError(pgettext("staff", "Match the columns first."), code="not_mapped")
    locked.status = ImportStatus.QUEUED
    locked.started_by = by.user
    locked.started_at = timezone.now()
    locked.save(update_fields=["status", "started_by", "started_at"])
    record(
        Action.IMPORT_STARTED,
        practice=locked.practice,
        actor=by,
        details={"import": str(locked.public_id), "rows": locked.row_count},
    )
    run_client_import.enqueue(locked.pk)
    return locked


@transaction.atomic
def invite_everyone_imported(client_import: ClientImport, *, by: Actor) -> BulkInvite:
    """Start the bulk invitation for this import's clients only (its own step, never automatic).

    The bulk invitation sees the link from the import and invites that import's
    clients only; it checks each one like "Invite everyone not yet invited".
    """
    practice = client_import.practice
    # The lock start_bulk_invite takes: nothing starts between the check and the start.
    Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").first()
    locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    if locked.invite is not None:
        return locked.invite
    if locked.status != ImportStatus.DONE:
        raise ValidationError(
            pgettext("staff", "The import has not finished yet."), code="not_done"
        )
    if unfinished_bulk_invite(practice) is not None:
        raise ValidationError(
            pgettext(
                "staff", "Another bulk invitation is under way; try again when it has finished."
            ),
            code="busy",
        )
    bulk = start_bulk_invite(practice, by=by)
    locked.invite = bulk
    locked.save(update_fields=["invite"])
    return bulk
