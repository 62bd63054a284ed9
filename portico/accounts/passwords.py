"""Storing a new password: the one place that also ends sessions and clears locks.

Whoever sets a password (the person after a reset or a change, or staff setting a
temporary one) gets the same effects: every existing session of the account ends
(the session generation moves on), the sign-in back-off of the account's username
and email and its failure count are cleared (the guesses were against the old
password), and the temporary-password state is set or cleared.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F

from portico.accounts.lockout import SIGN_IN_BACKOFF, account_keys
from portico.accounts.models import User
from portico.lib.ratelimit import backoff_forget


def store_password(account: User, *, password: str, temporary_until: datetime | None) -> None:
    """Set ``password`` (already checked against the policy) on ``account`` and save it.

    ``temporary_until``: a staff-set password that stops working at that time and
    must be changed at the next sign-in; None for a password the person chose.
    """
    account.set_password(password)
    account.must_change_password = temporary_until is not None
    account.temporary_password_expires_at = temporary_until
    account.failed_sign_ins = 0
    account.locked_until = None
    account.session_generation = F("session_generation") + 1
    account.save(
        update_fields=[
            "password",
            "must_change_password",
            "temporary_password_expires_at",
            "failed_sign_ins",
            "locked_until",
            "session_generation",
        ]
    )
    account.refresh_from_db(fields=["session_generation"])
    backoff_forget(SIGN_IN_BACKOFF, *account_keys(account))
