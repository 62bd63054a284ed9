"""The session store: Django's database sessions, written once per sign-in.

Django's ``cycle_key()`` (called by ``login()``) checks that a new key is free, writes
an empty row under it at once, and the response then rewrites that row with the
signed-in data: a SELECT, an INSERT and an UPDATE per sign-in. Here the old row is
still deleted at once (rotation is exact: the old id is dead before the response),
but the new key is drawn only when the response saves the session, and written with
its data in one INSERT. A drawn key that is already taken fails that INSERT on the
primary key and another is drawn (Django's own ``create()`` loop), so the SELECT
that checked first is not needed: 32 random characters do not collide in practice.

Used through ``SESSION_ENGINE = "portico.accounts.sessions"``.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def cycle_key(self) -> None:
        """Forget the current key (deleting its row); the next save creates a new one."""
        data = dict(self.items())
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)

    def _get_new_session_key(self) -> str:
        # The INSERT's primary key is the uniqueness check (create() retries on CreateError).
        return get_random_string(32, VALID_KEY_CHARS)
