"""Sign-in inside one practice.

Usernames and emails are unique per practice, not globally, so every lookup is
scoped by practice and kind. Unknown identifiers still cost one password hash, so
response timing does not reveal which accounts exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models.functions import Lower
from django.http import HttpRequest

from portico.accounts.models import User
from portico.practices.models import Practice

# Portal users may share an email (family members); a sign-in by email checks the
# password against each of them, up to this many.
MAX_SHARED_EMAIL_ACCOUNTS = 5


def find_sign_in_candidates(*, practice: Practice, kind: str, identifier: str) -> list[User]:
    identifier = identifier.strip().lower()
    if not identifier:
        return []
    users = User.objects.select_related("practice", "membership").filter(
        practice=practice, kind=kind
    )
    by_username: list[User] = list(users.annotate(u=Lower("username")).filter(u=identifier)[:1])
    if by_username or "@" not in identifier:
        return by_username
    shared: list[User] = list(
        users.annotate(e=Lower("email"))
        .filter(e=identifier)
        .order_by("pk")[:MAX_SHARED_EMAIL_ACCOUNTS]
    )
    return shared


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
