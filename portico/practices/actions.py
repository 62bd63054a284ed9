"""Writes for practices and their staff."""

from __future__ import annotations

from django.db import transaction

from portico.accounts.models import User, UserKind
from portico.audit.actor import Actor
from portico.audit.record import record
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
        "staff.added",
        practice=practice,
        actor=by,
        subject_user=user,
        details={"email": user.email, "role": str(role)},
    )
    return user
