"""Writes for practices and their staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import pgettext

from portico.access.models import AccessLink
from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.record import record
from portico.audit.vocabulary import Action
from portico.practices.models import Practice, Role, StaffMembership


@transaction.atomic
def create_practice(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_first_name: str,
    owner_last_name: str,
    owner_password: str | None,
    timezone: str = "America/New_York",
    by: Actor | None = None,
) -> tuple[Practice, User]:
    """Create a practice and its first owner. Validates like the forms do."""
    practice = Practice(slug=slug, name=name, timezone=timezone)
    practice.full_clean()
    practice.save()
    owner = add_staff_member(
        practice,
        email=owner_email,
        first_name=owner_first_name,
        last_name=owner_last_name,
        role=Role.OWNER,
        password=owner_password,
        by=by or Actor.system(),
    )
    return practice, owner


@transaction.atomic
def add_staff_member(
    practice: Practice,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role | str,
    password: str | None,
    by: Actor,
) -> User:
    """A staff identity with a role. Without a password it can only be reached by an invitation."""
    user = User(
        practice=practice,
        kind=UserKind.STAFF,
        username=email.strip().lower(),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    StaffMembership.objects.create(practice=practice, user=user, role=role)
    record(
        Action.STAFF_ADDED,
        practice=practice,
        actor=by,
        subject_user=user,
        details={"email": user.email, "role": str(role)},
    )
    return user


# --- Practice settings and staff changes -------------------------------------


class StaffRuleError(ValueError):
    """A staff change the rules forbid; the message is shown to the person who tried."""


# Settings that may be changed through update_practice_settings (never the slug).
SETTINGS_FIELDS = (
    "name",
    "timezone",
    "phone",
    "email",
    "invite_lifetime_hours",
    "reset_lifetime_hours",
    "dob_check",
    "sign_in_identifier",
    "invite_on_add",
    "portal_features",
    "intake_auto_assign",
    "profile_changes_reviewed",
    "staff_idle_minutes",
    "client_idle_minutes",
    "age_of_majority",
    "sender_name",
    "reply_to",
    "unopened_invitation_days",
    "weekly_access_summary",
    "require_staff_two_factor",
    "require_client_two_factor",
)


@transaction.atomic
def update_practice_settings(
    practice: Practice, *, by: Actor, changes: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Apply ``changes`` (field → new value); audit which changed, old and new. Returns them."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a practice setting: {sorted(unknown)}")
    changed: dict[str, dict[str, Any]] = {}
    for field, new in changes.items():
        old = getattr(practice, field)
        if old != new:
            changed[field] = {"old": old, "new": new}
            setattr(practice, field, new)
    if not changed:
        return changed
    practice.full_clean()
    practice.save(update_fields=list(changed))
    record(
        Action.PRACTICE_SETTINGS_CHANGED,
        practice=practice,
        actor=by,
        details={"changes": changed},
    )
    return changed


def _role_of(actor: Actor) -> str | None:
    membership = getattr(actor.user, "membership", None) if actor.user else None
    return membership.role if membership else None


def _lock_practice(practice: Practice) -> None:
    # Serialises owner changes, so two admins cannot remove the last two owners at once.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()


def _other_active_owners(practice: Practice, member: User) -> int:
    return (
        StaffMembership.objects.filter(practice=practice, role=Role.OWNER, user__is_active=True)
        .exclude(user=member)
        .count()
    )


def _check_may_manage(member: User, *, by: Actor) -> None:
    if member.membership.role == Role.OWNER and _role_of(by) != Role.OWNER:
        raise StaffRuleError(pgettext("staff", "Only an owner can change another owner's account."))


@transaction.atomic
def change_staff_role(member: User, *, role: Role | str, by: Actor) -> bool:
    """Give ``member`` another role. Returns False when the role was already theirs."""
    practice = member.practice
    _lock_practice(practice)
    membership = StaffMembership.objects.select_for_update().get(user=member)
    member.membership = membership
    old = membership.role
    if old == role:
        return False
    _check_may_manage(member, by=by)
    if role == Role.OWNER and _role_of(by) != Role.OWNER:
        raise StaffRuleError(pgettext("staff", "Only an owner can make someone an owner."))
    if old == Role.OWNER and _other_active_owners(practice, member) == 0:
        raise StaffRuleError(
            pgettext(
                "staff", "The practice needs at least one owner. Make someone else an owner first."
            )
        )
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        Action.STAFF_ROLE_CHANGED,
        practice=practice,
        actor=by,
        subject_user=member,
        details={"email": member.email, "old": str(old), "new": str(role)},
    )
    return True


@transaction.atomic
def deactivate_staff_member(member: User, *, by: Actor) -> None:
    """No more sign-ins; every session ends and pending invitations die."""
    from portico.access.links import links_of, revoke_live_links
    from portico.access.models import RevokeReason

    practice = member.practice
    _lock_practice(practice)
    if by.user is not None and by.user.pk == member.pk:
        raise StaffRuleError(pgettext("staff", "You cannot deactivate your own account."))
    _check_may_manage(member, by=by)
    if member.membership.role == Role.OWNER and _other_active_owners(practice, member) == 0:
        raise StaffRuleError(pgettext("staff", "The practice needs at least one active owner."))
    if not member.is_active:
        return
    member.is_active = False
    member.session_generation += 1
    member.save(update_fields=["is_active", "session_generation"])
    revoke_live_links(links_of(member), reason=RevokeReason.ACCESS_DISABLED)
    record(
        Action.STAFF_DEACTIVATED,
        practice=practice,
        actor=by,
        subject_user=member,
        details={"email": member.email},
    )


@transaction.atomic
def reactivate_staff_member(member: User, *, by: Actor) -> None:
    _check_may_manage(member, by=by)
    if member.is_active:
        return
    member.is_active = True
    member.save(update_fields=["is_active"])
    record(
        Action.STAFF_REACTIVATED,
        practice=member.practice,
        actor=by,
        subject_user=member,
        details={"email": member.email},
    )


@transaction.atomic
def invite_staff_member(
    practice: Practice,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: Role | str,
    by: Actor,
) -> User:
    """A new staff account without a password, and a 1-hour invitation to set one."""
    if role == Role.OWNER and _role_of(by) != Role.OWNER:
        raise StaffRuleError(pgettext("staff", "Only an owner can invite another owner."))
    user = add_staff_member(
        practice,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        password=None,
        by=by,
    )
    _send_staff_invite(user, by=by, action=Action.STAFF_INVITED)
    return user


@transaction.atomic
def resend_staff_invite(member: User, *, by: Actor) -> AccessLink:
    """A fresh invitation; the earlier link stops working (superseded)."""
    if not member.is_active:
        raise StaffRuleError(
            pgettext("staff", "Reactivate this account before sending an invitation.")
        )
    if member.has_usable_password():
        raise StaffRuleError(
            pgettext("staff", "This person has already set a password. They can sign in.")
        )
    return _send_staff_invite(member, by=by, action=Action.STAFF_INVITE_RESENT)


def _send_staff_invite(user: User, *, by: Actor, action: Action) -> AccessLink:
    from portico.access.links import STAFF_INVITE_LIFETIME, issue_link
    from portico.access.models import LinkPurpose
    from portico.lib.urls import practice_url
    from portico.mail.models import EmailKind
    from portico.mail.outbox import queue_email

    practice = user.practice
    issued = issue_link(
        practice,
        purpose=LinkPurpose.STAFF_INVITE,
        email=user.email,
        lifetime=STAFF_INVITE_LIFETIME,
        created_by=by.user,
        subject=user,
    )
    queue_email(
        practice=practice,
        kind=EmailKind.STAFF_INVITE,
        to=user.email,
        context={
            "greeting_name": user.first_name or user.email,
            "practice_name": practice.name,
            "link": practice_url(practice, "accounts:staff_welcome_link", issued.token),
            "link_expires": issued.link.expires_at,
        },
        link=issued.link,
    )
    record(
        action,
        practice=practice,
        actor=by,
        subject_user=user,
        details={
            "email": user.email,
            "role": user.membership.role,
            "expires_at": issued.link.expires_at.isoformat(),
        },
    )
    return issued.link


def note_staff_invite_viewed(link: AccessLink, *, by: Actor) -> None:
    """The first visit of an invitation link is recorded (scanners included: it spends nothing)."""
    from django.utils import timezone

    first = AccessLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True).update(
        first_viewed_at=timezone.now()
    )
    if first and link.user is not None:
        record(Action.STAFF_INVITE_VIEWED, practice=link.practice, actor=by, subject_user=link.user)


@transaction.atomic
def accept_staff_invite(link: AccessLink, *, password: str, by: Actor) -> User | None:
    """Spend the invitation and set the password. None if the link was no longer live."""
    from portico.access.links import consume_link

    if link.user is None or not link.user.is_active or not consume_link(link):
        return None
    user = User.objects.select_for_update().get(pk=link.user.pk)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(
        Action.STAFF_INVITE_ACCEPTED,
        practice=link.practice,
        actor=Actor(
            user=user, label=user.full_name or user.email, ip=by.ip, user_agent=by.user_agent
        ),
        subject_user=user,
        details={"email": user.email},
    )
    return user
