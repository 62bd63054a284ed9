"""What the rest of Portico (the two-factor sign-in) uses of passkeys. Nothing else is public.

Second step of sign-in, after a correct password::

    from portico.passkeys import api as passkeys

    if passkeys.has_passkeys(user):
        context["passkey_options"] = passkeys.sign_in_options(request, user)
    # in the template, inside the <form method="post"> of the second step:
    #     {% include "passkeys/_second_step.html" %}
    # on POST:
    credential = request.POST.get("passkey_credential", "")
    if credential and passkeys.verify_sign_in(request, user, credential):
        ...  # signed in (audit it, as for any other method)

Every call of ``sign_in_options`` hands out a new challenge (and forgets the one
before); ``verify_sign_in`` spends it, so render the options again after a failure.

Managing passkeys inside another page (the account's security page)::

    context.update(passkeys.manage_context(request, next_url=request.path))
    #     {% include "passkeys/_manage.html" %}   (not inside another <form>)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portico.accounts.models import User
from portico.passkeys import ceremony
from portico.passkeys.models import Passkey
from portico.passkeys.views import manage_context

__all__ = [
    "SECOND_STEP_TEMPLATE",
    "MANAGE_TEMPLATE",
    "forget_passkeys",
    "has_passkeys",
    "manage_context",
    "passkey_count",
    "sign_in_options",
    "verify_sign_in",
]

SECOND_STEP_TEMPLATE = "passkeys/_second_step.html"
MANAGE_TEMPLATE = "passkeys/_manage.html"


def has_passkeys(user: User) -> bool:
    return Passkey.objects.filter(user=user, practice_id=user.practice_id).exists()


def passkey_count(user: User) -> int:
    """For "who has enrolled" lists: how many passkeys ``user`` has."""
    return Passkey.objects.filter(user=user, practice_id=user.practice_id).count()


def sign_in_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """JSON-ready PublicKeyCredentialRequestOptions for ``user``'s passkeys.

    A new single-use challenge, kept in this session for five minutes.
    """
    return ceremony.sign_in_options(request, user)


def verify_sign_in(request: HttpRequest, user: User, credential_json: str) -> bool:
    """True at most once per challenge: the answer is ``user``'s passkey, on this site, now.

    The caller audits the outcome and counts a failure like a wrong code.
    """
    return ceremony.verify_sign_in(request, user, credential_json)


def forget_passkeys(user: User) -> int:
    """Delete every passkey of ``user``; how many there were.

    For a staff reset of someone's second factors: call it inside that action's
    transaction, which records the audit event.
    """
    deleted, _ = Passkey.objects.filter(user=user).delete()
    return deleted
