"""Reads only the API needs: clients changed since a moment, for a sync (keyset pages)."""

from __future__ import annotations

from datetime import datetime

from portico.clients.models import Client
from portico.lib.keyset import keyset_page
from portico.practices.models import Practice

UPDATED_ORDER = ("updated_at", "id")
UPDATED_SALT = "portico.api.clients.updated"


def clients_updated_since(
    practice: Practice, since: datetime, *, archived: bool, cursor: str, size: int
) -> tuple[list[Client], str | None]:
    """Clients changed at or after ``since``, oldest change first; (rows, next cursor).

    As in the staff list: current clients, or (``archived``) the archived ones only;
    archiving changes ``updated_at``, so a sync sees a client leave the list.
    """
    rows = Client.objects.filter(
        practice=practice, updated_at__gte=since, archived_at__isnull=not archived
    )
    page = keyset_page(rows, UPDATED_ORDER, cursor=cursor, size=size, salt=UPDATED_SALT)
    return page.rows, page.next_cursor
