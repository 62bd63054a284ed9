"""Writes of profiles and insurance: what a client asks for, and what staff decide.

While the practice reviews changes (``Practice.profile_changes_reviewed``), each
field a client changes becomes one pending ``ProfileChange``; otherwise it applies
at once. Client fields are applied through ``portico.clients.actions
.update_client_details`` (the same write as the staff page). The audit log holds
field names, never values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.clients import actions as client_actions
from portico.clients.models import Client
from portico.files.actions import FileWriter, atomic_with_files, delete_stored_file
from portico.files.models import FilePurpose, StoredFile
from portico.files.uploads import CheckedUpload
from portico.profiles.fields import (
    CARD_SIDES,
    CLIENT_FIELDS,
    TEXT_ATTRIBUTES,
    insurance_field,
    split_insurance_field,
)
from portico.profiles.models import ChangeStatus, InsurancePolicy, PolicyRank, ProfileChange
from portico.profiles.queries import has_primary, pending_by_field, policies_of

if TYPE_CHECKING:
    from portico.access.models import PortalAccess

ALREADY_DECIDED = pgettext_lazy(
    "staff", "This change was already decided (someone else may have just done it)."
)
PRIMARY_FIRST = _("Add your primary insurance first; a secondary policy comes after it.")


@dataclass
class Outcome:
    """What a portal save did: fields applied at once, or sent for review."""

    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied or self.pending)


def _lock(client: Client) -> Client:
    """One writer at a time per client (two tabs, a double click)."""
    return Client.objects.select_for_update().get(pk=client.pk)


def _ask(
    client: Client,
    *,
    name: str,
    old: str,
    new: str,
    access: PortalAccess | None,
    by: Actor,
    pending: dict[str, ProfileChange],
    new_file: StoredFile | None = None,
) -> bool:
    """Record (or update, or withdraw) the pending change of one field; True if it changed."""
    waiting = pending.get(name)
    if new_file is None and new == old:
        if waiting is None:
            return False
        # Changed back before anyone looked: nothing left to review.
        waiting.status = ChangeStatus.WITHDRAWN
        waiting.decided_at = timezone.now()
        waiting.save(update_fields=["status", "decided_at"])
        if waiting.new_file is not None:
            delete_stored_file(waiting.new_file)
        return True
    if waiting is not None:
        if new_file is None and waiting.new_value == new:
            return False
        replaced = waiting.new_file
        waiting.old_value, waiting.new_value, waiting.new_file = old, new, new_file
        waiting.requested_at = timezone.now()
        waiting.requested_by_access = access
        waiting.requested_by = by.user
        waiting.save()
        if replaced is not None:
            delete_stored_file(replaced)
        return True
    ProfileChange.objects.create(
        practice_id=client.practice_id,
        client=client,
        field=name,
        old_value=old,
        new_value=new,
        new_file=new_file,
        requested_by_access=access,
        requested_by=by.user,
    )
    return True


def _withdraw_pending(pending: dict[str, ProfileChange], names: list[str]) -> None:
    """Changes applied at once make older pending ones for the same fields moot."""
    for name in names:
        waiting = pending.get(name)
        if waiting is not None:
            waiting.status = ChangeStatus.WITHDRAWN
            waiting.decided_at = timezone.now()
            waiting.save(update_fields=["status", "decided_at"])


@transaction.atomic
def update_profile(
    client: Client,
    *,
    by: Actor,
    access: PortalAccess | None,
    values: dict[str, str],
    confirm: bool = False,
) -> Outcome:
    """A client's (or their contact's) contact details from the portal profile page."""
    client = _lock(client)
    unknown = set(values) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"Not a profile field: {sorted(unknown)}")
    practice = client.practice
    pending = pending_by_field(client)
    outcome = Outcome()
    if practice.profile_changes_reviewed:
        for name, new in values.items():
            old = str(getattr(client, name) or "")
            asked = _ask(client, name=name, old=old, new=new, access=access, by=by, pending=pending)
            if asked and new != old:
                outcome.pending.append(name)
        _audit_requested(client, by=by, fields=outcome.pending)
    else:
        wanted = {name: new for name, new in values.items() if str(getattr(client, name)) != new}
        outcome.applied = client_actions.update_client_details(client, by=by, **wanted)
        _withdraw_pending(pending, outcome.applied)
        if outcome.applied:
            record(
                Action.PROFILE_CHANGE_APPLIED,
                practice=practice,
                actor=by,
                client=client,
                details={"fields": outcome.applied},
            )
    if confirm:
        confirm_profile(client, by=by)
    return outcome


@transaction.atomic
def confirm_profile(client: Client, *, by: Actor) -> Client:
    """ "These details are right": the practice stops asking for a year."""
    client.profile_confirmed_at = timezone.now()
    client.save(update_fields=["profile_confirmed_at"])
    record(Action.PROFILE_CONFIRMED, practice=client.practice, actor=by, client=client)
    return client


def _apply_insurance(
    client: Client, *, rank: str, changes: dict[str, str | StoredFile], by: Actor
) -> InsurancePolicy:
    """Write fields of one policy (made if missing); a replaced card photo is deleted."""
    policy = InsurancePolicy.objects.filter(client=client, rank=rank).first()
    if policy is None:
        policy = InsurancePolicy(practice_id=client.practice_id, client=client, rank=rank)
    replaced: list[StoredFile] = []
    for attribute, value in changes.items():
        if attribute in CARD_SIDES:
            old = getattr(policy, attribute)
            if old is not None:
                replaced.append(old)
        setattr(policy, attribute, value)
    policy.updated_at = timezone.now()
    policy.full_clean(exclude=["practice", "client"])
    policy.save()
    for stored in replaced:
        delete_stored_file(stored)
    record(
        Action.INSURANCE_UPDATED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"rank": rank, "fields": [insurance_field(rank, name) for name in changes]},
    )
    return policy


def save_insurance(
    client: Client,
    *,
    by: Actor,
    access: PortalAccess | None,
    rank: str,
    values: dict[str, str],
    cards: dict[str, CheckedUpload | None],
) -> Outcome:
    """One policy from the portal insurance page: fields and (already checked) card photos.

    Card photos are written only after every check passed; if the transaction
    fails, they are deleted again (``atomic_with_files``).
    """
    with atomic_with_files() as writer:
        return _save_insurance(client, writer, by, access, PolicyRank(rank), values, cards)


def _save_insurance(
    client: Client,
    writer: FileWriter,
    by: Actor,
    access: PortalAccess | None,
    rank: PolicyRank,
    values: dict[str, str],
    cards: dict[str, CheckedUpload | None],
) -> Outcome:
    client = _lock(client)
    practice = client.practice
    if rank == PolicyRank.SECONDARY and not has_primary(client):
        raise ValidationError(PRIMARY_FIRST, code="primary_first")
    policy = policies_of(client).get(rank)
    pending = pending_by_field(client)
    outcome = Outcome()
    texts = {name: values[name] for name in TEXT_ATTRIBUTES if name in values}
    files: dict[str, StoredFile] = {}
    for side in CARD_SIDES:
        checked = cards.get(side)
        if checked is not None:
            files[side] = writer.store(
                checked,
                practice=practice,
                client=client,
                purpose=FilePurpose.INSURANCE_CARD,
                by=by,
            )
            record(
                Action.INSURANCE_CARD_UPLOADED,
                practice=practice,
                actor=by,
                client=client,
                details={"rank": rank.value, "side": side.removeprefix("card_")},
            )
    if practice.profile_changes_reviewed:
        for name, new in texts.items():
            old = str(getattr(policy, name) or "") if policy is not None else ""
            key = insurance_field(rank, name)
            asked = _ask(client, name=key, old=old, new=new, access=access, by=by, pending=pending)
            if asked and new != old:
                outcome.pending.append(key)
        for side, stored in files.items():
            key = insurance_field(rank, side)
            current = getattr(policy, side) if policy is not None else None
            old = current.original_name if current is not None else ""
            _ask(
                client,
                name=key,
                old=old,
                new=stored.original_name,
                access=access,
                by=by,
                pending=pending,
                new_file=stored,
            )
            outcome.pending.append(key)
        _audit_requested(client, by=by, fields=outcome.pending)
        return outcome
    changes: dict[str, str | StoredFile] = {
        name: new
        for name, new in texts.items()
        if policy is None or str(getattr(policy, name) or "") != new
    }
    if policy is None:
        changes = {name: new for name, new in changes.items() if new}
    changes.update(files)
    if changes:
        _apply_insurance(client, rank=rank, changes=changes, by=by)
        outcome.applied = [insurance_field(rank, name) for name in changes]
        _withdraw_pending(pending, outcome.applied)
        record(
            Action.PROFILE_CHANGE_APPLIED,
            practice=practice,
            actor=by,
            client=client,
            details={"fields": outcome.applied},
        )
    return outcome


def _decide(change: ProfileChange) -> ProfileChange:
    locked = ProfileChange.objects.select_for_update().get(pk=change.pk)
    if not locked.is_pending:
        raise ValidationError(ALREADY_DECIDED, code="decided")
    return locked


@transaction.atomic
def accept_change(change: ProfileChange, *, by: Actor) -> ProfileChange:
    """Apply one requested field to the client's record."""
    change = _decide(change)
    client = _lock(change.client)
    split = split_insurance_field(change.field)
    if split is None:
        client_actions.update_client_details(client, by=by, **{change.field: change.new_value})
    else:
        rank, attribute = split
        value: str | StoredFile | None = change.new_value
        if attribute in CARD_SIDES:
            value = change.new_file
            if value is None:
                raise ValidationError(
                    pgettext("staff", "The photo of this change is gone."), code="file_gone"
                )
        _apply_insurance(client, rank=rank, changes={attribute: value}, by=by)  # type: ignore[dict-item]
    change.status = ChangeStatus.ACCEPTED
    change.decided_by = by.user
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        Action.PROFILE_CHANGE_ACCEPTED,
        practice=client.practice,
        actor=by,
        client=client,
        details={"fields": [change.field]},
    )
    return change


@transaction.atomic
def reject_change(change: ProfileChange, *, by: Actor, reason: str = "") -> ProfileChange:
    """Keep what is on file; a rejected card photo is deleted."""
    change = _decide(change)
    change.status = ChangeStatus.REJECTED
    change.decided_by = by.user
    change.decided_at = timezone.now()
    change.reason = reason.strip()[:300]
    rejected_file = change.new_file
    change.new_file = None
    change.save(update_fields=["status", "decided_by", "decided_at", "reason", "new_file"])
    if rejected_file is not None:
        delete_stored_file(rejected_file)
    record(
        Action.PROFILE_CHANGE_REJECTED,
        practice=change.client.practice,
        actor=by,
        client=change.client,
        # Whether a reason was given, not the reason: staff may have quoted a value.
        details={"fields": [change.field], "reason_given": bool(change.reason)},
    )
    return change


def _audit_requested(client: Client, *, by: Actor, fields: list[str]) -> None:
    """One audit event for the fields a person asked to change (names only, never values)."""
    if fields:
        record(
            Action.PROFILE_CHANGE_REQUESTED,
            practice=client.practice,
            actor=by,
            client=client,
            details={"fields": fields},
        )
