"""Registration through an invitation, for the client themself and for a contact alike.

The journey's writes: noting a visit, counting wrong dates of birth, checking an
existing account's credentials, and ``redeem_invite``. The link is consumed only
by ``redeem_invite``, in the same transaction that creates (or attaches) the
account, so a failure anywhere leaves the link usable and a success can happen
exactly once. One person, one identity: a client who already has an account (set
up by staff) gets the password on it, and a parent of two attaches the second
child to the account they already have. Two people who share an inbox stay two
accounts: an account is attached only when its own password was given.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from portico.access.actions import create_portal_account, free_username
from portico.access.limits import MAX_DOB_FAILURES
from portico.access.links import consume_link, live_links
from portico.access.models import AccessLink, PortalAccess, RevokeReason
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action

__all__ = ["MAX_DOB_FAILURES", "CannotAttach", "UsernameTaken", "redeem_invite"]


class UsernameTaken(Exception):
    pass


class CannotAttach(Exception):
    """The account given cannot take this access (another practice, staff, turned off)."""


def record_link_view(link: AccessLink, *, by: Actor, at: datetime) -> bool:
    """Note the first time the link was opened (audited once). Never consumes it."""
    first = AccessLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=at
    )
    if first:
        link.first_viewed_at = at
        record(
            Action.LINK_VIEWED,
            practice=link.practice,
            actor=by,
            client=link.access.client if link.access else None,
            subject_user=link.user,
            details={"link_id": link.pk, "purpose": link.purpose},
        )
    return bool(first)


def date_of_birth_matches(access: PortalAccess, answer: date) -> bool:
    """The client's date of birth, whoever was invited (a parent confirms their child's)."""
    client = access.client
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
    client = link.access.client if link.access else None
    details = {"link_id": link.pk, "failures": link.dob_failures, "tries_left": left}
    record(Action.DOB_FAILED, practice=link.practice, actor=by, client=client, details=details)
    if left == 0:
        reason = RevokeReason.TOO_MANY_DOB_FAILURES
        revoked = live_links(AccessLink.objects.filter(pk=link.pk), at).update(
            revoked_at=at, revoked_reason=reason
        )
        if revoked:
            link.revoked_at, link.revoked_reason = at, reason
            record(
                Action.LINK_REVOKED,
                practice=link.practice,
                actor=by,
                client=client,
                details={"link_id": link.pk, "reason": reason},
            )
    return left


def username_is_free(practice_id: int, username: str, *, except_user: User | None = None) -> bool:
    taken = User.objects.filter(
        practice_id=practice_id, kind=UserKind.PORTAL, username__iexact=username.strip()
    )
    if except_user is not None:
        taken = taken.exclude(pk=except_user.pk)
    return not taken.exists()


def email_in_use(practice_id: int, email: str) -> bool:
    """Whether a portal account of the practice already uses this address."""
    return User.objects.filter(
        practice_id=practice_id, kind=UserKind.PORTAL, email__iexact=email.strip()
    ).exists()


@transaction.atomic
def redeem_invite(
    link: AccessLink,
    *,
    by: Actor,
    at: datetime,
    existing: User | None = None,
    username: str | None = None,
    password: str | None = None,
) -> User | None:
    """Spend the invitation and give its person a usable account. None if the link died first.

    ``existing`` (its password already checked) attaches the access to that
    account; otherwise the person's account (one staff set up earlier) or a new
    one (``username``, or one made from the name) gets ``password``. Raises
    ``UsernameTaken`` (and spends nothing) if the name went meanwhile.
    """
    access = link.access
    if access is None:
        raise ValueError("Not an invitation to a portal access.")
    if existing is not None and (
        existing.practice_id != link.practice_id
        or existing.kind != UserKind.PORTAL
        or not existing.is_active
    ):
        raise CannotAttach
    if not consume_link(link, at):
        return None
    access.refresh_from_db(fields=["user", "ended_at", "enabled"])
    account, created, already = _account_for(access, link, existing=existing, username=username)
    if password is not None:
        _set_first_password(account, password=password, email=link.email)
    record(
        Action.REGISTERED,
        practice=link.practice,
        actor=by,
        client=access.client,
        subject_user=account,
        details=_registered_details(access, link, account, created=created, already=already),
    )
    return account


def _account_for(
    access: PortalAccess, link: AccessLink, *, existing: User | None, username: str | None
) -> tuple[User, bool, bool]:
    """(account, created, the account already acted for this client)."""
    if existing is not None:
        already = PortalAccess.objects.filter(
            user=existing, client_id=access.client_id, ended_at=None
        ).exclude(pk=access.pk)
        if already.exists():
            return existing, False, True
        PortalAccess.objects.filter(pk=access.pk).update(user=existing)
        access.user = existing
        return existing, False, False
    if access.user is not None:
        return access.user, False, False
    person = access.contact or access.client
    name = username or free_username(access.practice_id, person.first_name, person.last_name)
    if not username_is_free(access.practice_id, name):
        raise UsernameTaken
    try:
        with transaction.atomic():
            account = create_portal_account(access, username=name, email=link.email)
    except IntegrityError:
        raise UsernameTaken from None
    return account, True, False


def _set_first_password(account: User, *, password: str, email: str) -> None:
    account.set_password(password)
    account.is_active = True
    account.must_change_password = False
    account.temporary_password_expires_at = None
    account.email = account.email or email
    account.save(
        update_fields=[
            "password",
            "is_active",
            "must_change_password",
            "temporary_password_expires_at",
            "email",
        ]
    )


def _registered_details(
    access: PortalAccess, link: AccessLink, account: User, *, created: bool, already: bool
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "link_id": link.pk,
        "username": account.username,
        "account_created": created,
    }
    if access.contact is not None:
        details |= {
            "for_client": str(access.client.public_id),
            "as_contact": str(access.contact.public_id),
            "grant_existed": already,
        }
    return details
