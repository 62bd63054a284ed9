"""Registration through a client invitation: view, date of birth, credentials, done.

The steps' writes. The link is consumed only by ``complete_registration``, in the
same transaction that creates (or attaches) the account, so a failure anywhere
leaves the link usable and a success can happen exactly once.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from portico.access.actions import create_portal_account, free_username
from portico.access.links import consume_link, live_links
from portico.access.models import AccessLink, RevokeReason
from portico.access.queries import portal_account_for
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.clients.models import Client

MAX_DOB_FAILURES = 5


class UsernameTaken(Exception):
    pass


def record_link_view(link: AccessLink, *, by: Actor, at: datetime) -> bool:
    """Note the first time the link was opened (audited once). Never consumes it."""
    first = AccessLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=at
    )
    if first:
        link.first_viewed_at = at
        record(
            "access.link.viewed",
            practice=link.practice,
            actor=by,
            client=link.client,
            subject_user=link.user,
            details={"link_id": link.pk, "purpose": link.purpose},
        )
    return bool(first)


def date_of_birth_matches(client: Client, answer: date) -> bool:
    client.refresh_from_db(fields=["date_of_birth"])  # staff may have just corrected it
    return client.date_of_birth == answer


@transaction.atomic
def record_dob_failure(link: AccessLink, *, by: Actor, at: datetime) -> int:
    """Count one wrong date of birth; the fifth revokes the link. Returns the tries left."""
    counted = live_links(AccessLink.objects.filter(pk=link.pk), at).update(
        dob_failures=F("dob_failures") + 1
    )
    link.refresh_from_db(fields=["dob_failures", "revoked_at", "revoked_reason", "used_at"])
    left = max(0, MAX_DOB_FAILURES - link.dob_failures)
    if not counted:
        return 0
    record(
        "access.dob.failed",
        practice=link.practice,
        actor=by,
        client=link.client,
        details={"link_id": link.pk, "failures": link.dob_failures, "tries_left": left},
    )
    if left == 0:
        revoked = live_links(AccessLink.objects.filter(pk=link.pk), at).update(
            revoked_at=at, revoked_reason=RevokeReason.TOO_MANY_DOB_FAILURES
        )
        if revoked:
            link.revoked_at, link.revoked_reason = at, RevokeReason.TOO_MANY_DOB_FAILURES
            record(
                "access.link.revoked",
                practice=link.practice,
                actor=by,
                client=link.client,
                details={"link_id": link.pk, "reason": RevokeReason.TOO_MANY_DOB_FAILURES},
            )
    return left


def username_is_free(practice_id: int, username: str, *, except_user: User | None = None) -> bool:
    taken = User.objects.filter(
        practice_id=practice_id, kind="portal", username__iexact=username.strip()
    )
    if except_user is not None:
        taken = taken.exclude(pk=except_user.pk)
    return not taken.exists()


@transaction.atomic
def complete_registration(
    link: AccessLink, *, by: Actor, username: str | None, password: str, at: datetime
) -> User | None:
    """Consume the link and give the client a usable account. None if the link died first.

    ``username`` is None when the practice signs clients in by email: a readable
    one is made from the name. If the client already has an account (set up
    earlier, or by staff), the password is set on it: one person, one identity.
    Raises ``UsernameTaken`` (and consumes nothing) if the username went meanwhile.
    """
    if not consume_link(link, at):
        return None
    client = link.client
    assert client is not None  # noqa: S101 (client invitations always have a client)
    account = portal_account_for(client)
    created = account is None
    if account is None:
        name = username or free_username(client.practice_id, client.first_name, client.last_name)
        if not username_is_free(client.practice_id, name):
            raise UsernameTaken
        try:
            with transaction.atomic():
                account = create_portal_account(client, username=name, email=link.email, at=at)
        except IntegrityError:
            raise UsernameTaken from None
    account.set_password(password)
    account.is_active = True
    account.must_change_password = False
    account.temporary_password_expires_at = None
    account.email = account.email or link.email
    account.save(
        update_fields=[
            "password",
            "is_active",
            "must_change_password",
            "temporary_password_expires_at",
            "email",
        ]
    )
    record(
        "access.registered",
        practice=link.practice,
        actor=by,
        client=client,
        subject_user=account,
        details={"link_id": link.pk, "username": account.username, "account_created": created},
    )
    return account
