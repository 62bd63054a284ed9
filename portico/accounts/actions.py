"""Session writes shared by staff and the portal.

Sign-out is one action for both, under one audit name (``Action.SIGNED_OUT``), so the
audit log and its filters read a sign-out the same way whoever signed out. Staff
sign-outs before this wrote ``Action.STAFF_SIGNED_OUT`` ("signout"); older history
still holds it. Like sign-in, this touches the request: ending a session is its job.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.practices.models import Practice


@transaction.atomic
def sign_out(request: HttpRequest, *, practice: Practice, account: User | None, by: Actor) -> None:
    """End the session (all of it: Django flushes it). ``account`` is who was signed in
    here, or None (nobody, or someone the caller does not count): then only the session
    ends and nothing is audited."""
    if account is not None:
        record(Action.SIGNED_OUT, practice=practice, actor=by, subject_user=account)
    logout(request)
