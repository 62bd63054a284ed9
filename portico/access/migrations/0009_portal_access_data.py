"""Move every person's access onto PortalAccess rows.

- The client's own access: one row per client whose access was on, or who had an
  account or a link; ``enabled`` is the old ``Client.portal_access_enabled``,
  ``user`` the holder of the live "self" grant. The client's own links point at it
  (and forget their user: the account is reached through the row).
- A contact's access: one row per grant (the registered ones, ended when the
  grant was revoked) plus one unregistered row for links sent after the last grant
  ended, or for a contact whose access was on with nothing sent yet. Each link
  goes to the row that was open when it was sent. The last row carries the old
  ``Contact.portal_access_enabled``.
- Links of an account with no client (a parent's own reset) and staff invitations
  keep their user and get no row.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def _own_accesses(apps: Any) -> None:
    Client = apps.get_model("clients", "Client")
    PortalAccess = apps.get_model("access", "PortalAccess")
    PortalGrant = apps.get_model("access", "PortalGrant")
    AccessLink = apps.get_model("access", "AccessLink")
    accounts = dict(
        PortalGrant.objects.filter(relationship="self", revoked_at__isnull=True).values_list(
            "client_id", "user_id"
        )
    )
    with_links = set(
        AccessLink.objects.filter(client__isnull=False, contact__isnull=True).values_list(
            "client_id", flat=True
        )
    )
    rows = [
        PortalAccess(
            practice_id=practice_id,
            client_id=client_id,
            user_id=accounts.get(client_id),
            enabled=enabled,
            created_at=created_at,
        )
        for client_id, practice_id, enabled, created_at in Client.objects.values_list(
            "id", "practice_id", "portal_access_enabled", "created_at"
        ).iterator()
        if enabled or client_id in accounts or client_id in with_links
    ]
    PortalAccess.objects.bulk_create(rows, batch_size=1000)
    own = PortalAccess.objects.filter(client_id=OuterRef("client_id"), contact__isnull=True)
    AccessLink.objects.filter(client__isnull=False, contact__isnull=True).update(
        access_id=Subquery(own.values("id")[:1]), user=None
    )


def _ended_reason(contact: Any) -> str:
    if contact.removed_at is not None:
        return "contact_removed"
    return "revoked_by_staff" if contact.portal_access_enabled else "access_disabled"


def _contact_rows(apps: Any, contact: Any, now: Any) -> None:
    PortalAccess = apps.get_model("access", "PortalAccess")
    PortalGrant = apps.get_model("access", "PortalGrant")
    AccessLink = apps.get_model("access", "AccessLink")
    grants = PortalGrant.objects.filter(contact=contact, relationship="contact").order_by(
        "created_at", "id"
    )
    links = list(AccessLink.objects.filter(contact=contact).order_by("created_at", "id"))
    rows: list[Any] = []

    def add(user_id: int | None, created_at: Any, ended_at: Any) -> Any:
        if rows and rows[-1].ended_at is None:  # one live row per contact
            rows[-1].ended_at, rows[-1].ended_reason = created_at, "superseded"
        row = PortalAccess(
            practice_id=contact.practice_id,
            client_id=contact.client_id,
            contact_id=contact.pk,
            user_id=user_id,
            created_at=created_at,
            ended_at=ended_at,
            ended_reason=_ended_reason(contact) if ended_at else "",
        )
        rows.append(row)
        return row

    for grant in grants:
        add(grant.user_id, grant.created_at, grant.revoked_at)
    assigned: list[tuple[Any, Any]] = []
    for link in links:
        row = next((r for r in rows if r.ended_at is None or r.ended_at > link.created_at), None)
        row = row or add(None, link.created_at, None)
        row.created_at = min(row.created_at, link.created_at)
        assigned.append((link, row))
    if not rows and contact.portal_access_enabled:
        add(None, contact.created_at, None)
    if not rows:
        return
    last = rows[-1]
    last.enabled = contact.portal_access_enabled and contact.removed_at is None
    if last.ended_at is None and not last.enabled:
        last.ended_at, last.ended_reason = contact.removed_at or now, _ended_reason(contact)
    for row in rows:
        row.save()
    for link, row in assigned:
        AccessLink.objects.filter(pk=link.pk).update(access_id=row.pk, user=None)


def forward(apps: Any, schema_editor: Any) -> None:
    _own_accesses(apps)
    Contact = apps.get_model("clients", "Contact")
    now = timezone.now()
    for contact in Contact.objects.order_by("id").iterator():
        _contact_rows(apps, contact, now)


class Migration(migrations.Migration):
    dependencies = [("access", "0008_portal_access")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
