"""Sign-in inside one practice.

Usernames and emails are unique per practice, not globally, so every lookup is
scoped by practice and kind. Unknown identifiers still cost one password hash, so
response timing does not reveal which accounts exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models import Case, Q, When
from django.db.models.functions import Lower
from django.http import HttpRequest

from portico.accounts.models import User, UserKind
from portico.practices.models import Practice

# Portal users may share an email (family members); a sign-in by email checks the
# password against each of them, up to this many.
MAX_SHARED_EMAIL_ACCOUNTS = 5


def find_sign_in_candidates(*, practice: Practice, kind: str, identifier: str) -> list[User]:
    """The accounts ``identifier`` names: the one with that username, else those with that email.

    One query whether or not any account matches, so the lookup costs the same for
    unknown identifiers.
    """
    identifier = identifier.strip().lower()
    if not identifier:
        return []
    order: tuple[Case | str, ...]
    if "@" in identifier:
        named = Q(u=identifier) | Q(e=identifier)
        order = (Case(When(u=identifier, then=0), default=1), "pk")  # the username first
    else:  # usernames are unique: one row at most, nothing to order
        named, order = Q(u=identifier), ("pk",)
    users = User.objects.filter(practice=practice, kind=kind)
    if kind == UserKind.STAFF:
        users = users.select_related("membership")  # the role, for the audit's actor label
    matches: list[User] = list(
        users.annotate(u=Lower("username"), e=Lower("email"))
        .filter(named)
        .order_by(*order)[:MAX_SHARED_EMAIL_ACCOUNTS]
    )
    for user in matches:
        user.practice = practice  # the row this query filtered on: no join needed
    by_username = [user for user in matches if user.username.lower() == identifier]
    return by_username[:1] or matches


def verify_password(candidates: list[User], password: str) -> User | None:
    """The candidate whose password this is, if any.

    With no candidate the password is still hashed once, so an unknown account
    answers as slowly as a known one.
    """
    if not candidates:
        User().set_password(password)
        return None
    for user in candidates:
        if user.check_password(password):
            user.backend = BACKEND_PATH
            return user
    return None


BACKEND_PATH = "portico.accounts.backends.PracticeBackend"


class PracticeBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        *,
        practice: Practice | None = None,
        kind: str | None = None,
        identifier: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if practice is None or kind is None or identifier is None or password is None:
            return None
        candidates = find_sign_in_candidates(practice=practice, kind=kind, identifier=identifier)
        return verify_password(candidates, password)

    def get_user(self, user_id: int) -> User | None:
        return User.objects.select_related("practice").filter(pk=user_id, is_active=True).first()
