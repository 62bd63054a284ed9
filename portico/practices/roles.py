"""What each staff role may do.

One table, read by the scoped lookups and the templates. A capability a role
lacks is answered with 404 for objects (never a 403 that confirms they exist)
and with a plain "not allowed" page for practice-wide screens.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from portico.practices.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import _StrPromise as StrPromise

    from portico.accounts.models import User
    from portico.practices.models import Practice


class Can(StrEnum):
    VIEW_CLIENTS = "view_clients"
    EDIT_CLIENTS = "edit_clients"
    SEND_INVITES = "send_invites"  # invitations, resends and password resets
    SET_TEMPORARY_PASSWORD = "set_temporary_password"  # noqa: S105 (a capability name)
    TOGGLE_PORTAL_ACCESS = "toggle_portal_access"  # enable, disable, unlock
    MANAGE_SETTINGS = "manage_settings"  # practice settings and email templates
    MANAGE_STAFF = "manage_staff"
    EXPORT_AUDIT = "export_audit"
    VIEW_EMAIL_ACTIVITY = "view_email_activity"
    IMPORT_CLIENTS = "import_clients"  # client lists from another system (CSV)
    MANAGE_FORMS = "manage_forms"  # build forms and the intake set
    SEND_FORMS = "send_forms"  # send a form to a client, read answers, reopen one
    MESSAGE_CLIENTS = "message_clients"  # the secure-message inbox and conversations
    REVIEW_PROFILE_CHANGES = "review_profile_changes"  # accept/reject profile and insurance


_CLIENT_WORK = {
    Can.VIEW_CLIENTS,
    Can.EDIT_CLIENTS,
    Can.SEND_INVITES,
    Can.VIEW_EMAIL_ACTIVITY,
    Can.SEND_FORMS,
    Can.MESSAGE_CLIENTS,
    Can.REVIEW_PROFILE_CHANGES,
}

CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.OWNER: frozenset(Can),
    Role.ADMIN: frozenset(Can),
    Role.CLINICIAN: frozenset(_CLIENT_WORK | {Can.TOGGLE_PORTAL_ACCESS}),
    Role.FRONT_DESK: frozenset(_CLIENT_WORK | {Can.TOGGLE_PORTAL_ACCESS}),
    # API keys only (portico.api.models.KeyRole): reads, never a write.
    "read_only": frozenset({Can.VIEW_CLIENTS, Can.VIEW_EMAIL_ACTIVITY, Can.EXPORT_AUDIT}),
}

# Plain-language summary shown on the staff page and in the README.
ROLE_SUMMARIES: dict[str, StrPromise] = {
    Role.OWNER: pgettext_lazy("staff", "Everything, including other owners and administrators."),
    Role.ADMIN: pgettext_lazy(
        "staff",
        "Everything except changing owners: settings, staff, forms, templates, audit export.",
    ),
    Role.CLINICIAN: pgettext_lazy(
        "staff",
        "Clients: add, edit, invite, reset, enable/disable and unlock portal access; "
        "send forms, message clients, review profile changes; "
        "book, move and cancel their own appointments.",
    ),
    Role.FRONT_DESK: pgettext_lazy(
        "staff",
        "Clients: add, edit, invite, reset, enable/disable and unlock portal access; "
        "send forms, message clients, review profile changes; "
        "book, move and cancel anyone's appointments.",
    ),
}


def role_can(role: str, capability: Can) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())


def staff_can(user: User | AnonymousUser, practice: Practice, capability: Can) -> bool:
    """True for a signed-in staff member of ``practice`` whose role has ``capability``."""
    if not user.is_authenticated or user.kind != "staff" or user.practice_id != practice.pk:
        return False
    membership = getattr(user, "membership", None)
    return membership is not None and role_can(membership.role, capability)
