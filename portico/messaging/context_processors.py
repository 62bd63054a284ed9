"""The staff top bar's "Messages" link and its unread number.

Lazy: nothing is read unless a template asks (only ``staff/base.html`` does), so
portal and anonymous pages cost no query. For signed-in staff who may message
clients, the number is one query that reads at most 100 ids
(``waiting_conversation_count``).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from portico.practices.roles import Can, staff_can


class StaffInbox:
    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def shown(self) -> bool:
        practice = getattr(self._request, "practice", None)
        user = getattr(self._request, "user", None)
        return (
            practice is not None
            and user is not None
            and staff_can(user, practice, Can.MESSAGE_CLIENTS)
        )

    @cached_property
    def unread(self) -> int:
        """Conversations waiting for the practice (0 for anyone who may not see the inbox)."""
        if not self.shown:
            return 0
        from portico.messaging.queries import waiting_conversation_count

        return waiting_conversation_count(self._request.practice.pk)  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        """The number as shown: "3", or "99+" when more are waiting."""
        from portico.messaging.queries import TOP_BAR_CAP

        return f"{TOP_BAR_CAP}+" if self.unread > TOP_BAR_CAP else str(self.unread)


def staff_inbox(request: HttpRequest) -> dict[str, Any]:
    return {"staff_inbox": StaffInbox(request)}
