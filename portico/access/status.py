"""A person's portal status, derived in one place for every person and every screen.

``derive_status(access, facts)`` decides the state, the words staff read and
the next steps, for the client themself and for each contact alike. Its actions
are objects (label, URL, capability, style, disabled), so a template renders
them with one loop. ``derive_status`` reads nothing: ``portico.access.status_reads``
gathers the facts for any number of people of one practice in a constant number of
queries, and calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import pgettext, pgettext_lazy

from portico.access.limits import (
    MAX_DOB_FAILURES,
    SEND_LIMIT,
    SelfServiceBudget,
    SendAllowance,
    allowance_from_times,
    budget_from_times,
)
from portico.access.links import is_live
from portico.access.models import AccessLink, LinkPurpose, PortalAccess, RevokeReason
from portico.accounts.lockout import MAX_FAILED_SIGN_INS, is_locked
from portico.accounts.models import User
from portico.audit.queries import HistoryItem
from portico.clients.models import Client, Contact
from portico.lib.localtime import clock, local, short_day_and_time, when_next
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# state -> (headline, badge class)
STATES: dict[str, tuple[StrPromise, str]] = {
    "not_invited": (pgettext_lazy("staff", "Not invited"), "badge"),
    "invited": (pgettext_lazy("staff", "Invited"), "badge-info"),
    "invite_expired": (pgettext_lazy("staff", "Invite expired"), "badge-warn"),
    "invite_revoked": (pgettext_lazy("staff", "Invite cancelled"), "badge-warn"),
    "active": (pgettext_lazy("staff", "Active"), "badge-ok"),
    "disabled": (pgettext_lazy("staff", "Disabled"), "badge-bad"),
    "locked": (pgettext_lazy("staff", "Locked"), "badge-bad"),
    "ended": (pgettext_lazy("staff", "Access ended"), "badge-warn"),
    "access_off": (pgettext_lazy("staff", "Access off"), "badge-bad"),
}
SENDS = ("send_invite", "resend_invite", "send_password_reset", "reset_and_resend_welcome")
# key -> (label, capability, URL name for the client / for a contact, form method)
ACTIONS: dict[str, tuple[StrPromise, str, str, str]] = {
    "send_invite": (
        pgettext_lazy("staff", "Send portal invite"),
        "send_invites",
        "send_invite",
        "post",
    ),
    "resend_invite": (
        pgettext_lazy("staff", "Resend invite"),
        "send_invites",
        "resend_invite",
        "post",
    ),
    "send_password_reset": (
        pgettext_lazy("staff", "Send password reset"),
        "send_invites",
        "send_reset",
        "post",
    ),
    "reset_and_resend_welcome": (
        pgettext_lazy("staff", "Reset password and resend welcome email"),
        "send_invites",
        "reset_and_resend_welcome",
        "post",
    ),
    "enable_access": (
        pgettext_lazy("staff", "Enable portal access"),
        "toggle_portal_access",
        "enable",
        "post",
    ),
    "disable_access": (
        pgettext_lazy("staff", "Disable portal access"),
        "toggle_portal_access",
        "disable",
        "post",
    ),
    "unlock": (pgettext_lazy("staff", "Unlock"), "toggle_portal_access", "unlock", "post"),
    "temporary_password": (
        pgettext_lazy("staff", "Set a temporary password"),
        "set_temporary_password",
        "temporary_password",
        "get",
    ),
    "end_access": (
        pgettext_lazy("staff", "Revoke access for this client"),
        "toggle_portal_access",
        "end_access",
        "get",
    ),
}
# Explanations are clauses joined by these: the client list shows the first clause
# (``AccessStatus.short``), so each clause is a message of its own.
AND = "; "
DASH = " — "
DANGER = {"disable_access", "end_access"}


@dataclass(frozen=True)
class Action:
    key: str
    label: str
    url: str
    capability: str  # a ``Can`` value: the template shows the action to roles that have it
    style: str  # CSS classes of the button or link
    method: str  # "post": a form with a button; "get": a link to a confirm page
    disabled: bool = False  # no sends left
    described_by: str = ""  # the id of the note saying why it is disabled


@dataclass(frozen=True)
class AccessFacts:
    """What ``derive_status`` reads about one person (loaded by ``status_reads.statuses_for``)."""

    practice: Practice
    client: Client
    contact: Contact | None
    link: AccessLink | None  # the latest invitation or reset link
    email: OutboundEmail | None  # the latest email that carried it
    address: str  # where an invitation goes; "" when there is none
    sent: list[datetime]  # staff send times inside the window
    at: datetime
    # "Forgot password?" emails: the client's own, or a contact's account's.
    self_service_sent: list[datetime] = field(default_factory=list)


@dataclass(frozen=True)
class AccessStatus:
    access: PortalAccess | None
    client: Client
    contact: Contact | None
    state: str
    headline: str
    explanation: str
    badge: str
    actions: tuple[Action, ...]
    account: User | None
    link: AccessLink | None
    email: OutboundEmail | None
    has_email: bool
    sends_left: int
    next_available_at: datetime | None
    next_available_text: str = ""  # "2:05 PM", in the practice's time zone
    consent_note: str = ""  # what is missing, in words for staff
    events: tuple[HistoryItem, ...] = field(default=())  # the panel's recent access events
    # "Forgot password?" emails: their own budget, apart from the staff allowance
    # (None for a contact without an account: they cannot ask for a reset).
    self_service: SelfServiceBudget | None = None

    @property
    def shows_self_service(self) -> bool:
        budget = self.self_service
        return budget is not None and (self.account is not None or budget.last_day > 0)

    @property
    def primary_action(self) -> str | None:
        return self.actions[0].key if self.actions else None

    @property
    def secondary_actions(self) -> tuple[str, ...]:
        return tuple(action.key for action in self.actions[1:])

    @property
    def enabled(self) -> bool:
        return self.access is not None and self.access.enabled

    @property
    def sends_note_id(self) -> str:
        return f"access-sends-{self.contact.public_id}" if self.contact else "access-sends-note"

    @property
    def sends_text(self) -> str:
        """The staff allowance, in words for staff."""
        if self.sends_left:
            return pgettext(
                "staff",
                "Staff sends: %(left)d of %(limit)d invitation or reset emails left in the last "
                "24 hours.",
            ) % {"left": self.sends_left, "limit": SEND_LIMIT}
        return pgettext(
            "staff",
            "Staff sends: no invitation or reset emails left for now (%(limit)d in 24 hours). "
            "The next can be sent at %(when)s.",
        ) % {"limit": SEND_LIMIT, "when": self.next_available_text}

    @property
    def detail(self) -> str:
        """The explanation without repeating the headline next to its badge."""
        for prefix in (f"{self.headline}: ", f"{self.headline}, "):
            if self.explanation.startswith(prefix):
                rest = self.explanation[len(prefix) :]
                return rest[:1].upper() + rest[1:]
        return self.explanation

    @property
    def email_relevant(self) -> bool:
        """Whether the latest email still matters (an invitation, or an unused reset)."""
        if self.email is None or self.link is None:
            return False
        if self.state in ("invited", "invite_expired", "invite_revoked"):
            return True
        return self.link.purpose == LinkPurpose.PASSWORD_RESET and self.link.used_at is None

    @property
    def invite_offerable(self) -> bool:
        """Access on, no account and no working invitation, but an address to send one to."""
        return (
            self.enabled
            and self.has_email
            and self.state in ("not_invited", "invite_expired", "invite_revoked")
        )

    @property
    def short(self) -> str:
        """For the client list: the explanation's first clause."""
        return self.detail.split(";")[0].split(" — ")[0]


# --- deriving -----------------------------------------------------------------------------


def derive_status(access: PortalAccess | None, facts: AccessFacts) -> AccessStatus:
    """The one place that decides a person's portal state and what staff should do next."""
    account = access.user if access is not None and access.ended_at is None else None
    if access is None or not access.enabled or (account is not None and not account.is_active):
        state, words, steps = _switched_off(access, facts, account)
    elif access.ended_at is not None:
        state, words = "ended", _ended_words(access, facts)
        steps = ("resend_invite",)
    elif account is not None:
        state, words, steps = _with_account(account, facts)
    else:
        state, words, steps = _by_link(facts)
    return _status(access, facts, account, state, words, steps)


def _switched_off(
    access: PortalAccess | None, facts: AccessFacts, account: User | None
) -> tuple[str, str, tuple[str, ...]]:
    if facts.contact is not None:
        words = AND.join(
            (
                pgettext("staff", "Portal access is turned off for this person"),
                pgettext("staff", "turn it on in People to invite them"),
            )
        )
        return "access_off", words, ()
    if account is not None:
        # Translators: starts with the "Disabled" badge and ": " (the page drops the badge's word).
        words = pgettext(
            "staff", "Disabled: cannot sign in as %(username)s, even with the right password"
        ) % {"username": account.username}
        return "disabled", words, ("enable_access",)
    # Translators: starts with the "Disabled" badge and ", " (the page drops the badge's word).
    return "disabled", pgettext("staff", "Disabled, never set up"), ("enable_access",)


def _ended_words(access: PortalAccess, facts: AccessFacts) -> str:
    when = short_day_and_time(facts.practice, access.ended_at or facts.at)
    return AND.join(
        (
            pgettext("staff", "Access to this client ended %(when)s") % {"when": when},
            pgettext("staff", "send a new invitation to give it back"),
        )
    )


def _with_account(account: User, facts: AccessFacts) -> tuple[str, str, tuple[str, ...]]:
    practice, at, link = facts.practice, facts.at, facts.link
    if facts.contact is not None:
        if is_locked(account, at):
            words = pgettext(
                "staff", "Username %(username)s, locked after too many wrong passwords"
            ) % {"username": account.username}
            return "active", words, ("end_access",)
        words = pgettext("staff", "Username %(username)s, %(last_sign_in)s") % {
            "username": account.username,
            "last_sign_in": _last_sign_in(account, facts),
        }
        return "active", words, ("end_access",)
    others = ("temporary_password", "disable_access")
    if is_locked(account, at) and account.locked_until is not None:
        words = pgettext(
            "staff",
            "Locked until %(time)s for browsers that have not signed in before, after "
            "%(count)d wrong passwords in a row",
        ) % {
            "time": clock(practice, account.locked_until),
            "count": max(account.failed_sign_ins, MAX_FAILED_SIGN_INS),
        }
        return "locked", words, ("unlock", "send_password_reset", *others)
    parts = [
        # Translators: starts with the "Active" badge and ": " (the page drops the badge's word).
        pgettext("staff", "Active: username %(username)s, %(last_sign_in)s")
        % {"username": account.username, "last_sign_in": _last_sign_in(account, facts)}
    ]
    expires = account.temporary_password_expires_at
    if account.must_change_password and expires:
        if at < expires:
            parts.append(
                pgettext("staff", "temporary password set; it works until %(until)s")
                % {"until": short_day_and_time(practice, expires)}
            )
        else:
            parts.append(
                pgettext(
                    "staff", "the temporary password expired unused: set a new one or send a reset"
                )
            )
    if link is not None and link.purpose == LinkPurpose.PASSWORD_RESET and is_live(link, at):
        sent = short_day_and_time(practice, link.created_at)
        parts.append(
            pgettext("staff", "password reset sent to %(email)s on %(sent)s")
            % {"email": link.email, "sent": sent}
        )
    primary = "send_password_reset" if facts.address else "temporary_password"
    return "active", AND.join(parts), (primary, "send_password_reset", *others)


def _last_sign_in(account: User, facts: AccessFacts) -> str:
    if account.last_login:
        return pgettext("staff", "last signed in %(when)s") % {
            "when": short_day_and_time(facts.practice, account.last_login)
        }
    return pgettext("staff", "has not signed in yet")


def _by_link(facts: AccessFacts) -> tuple[str, str, tuple[str, ...]]:
    """No account yet: what the latest invitation says."""
    link, at, practice = facts.link, facts.at, facts.practice
    own = facts.contact is None
    steps = ("temporary_password", "disable_access") if own else ()
    if link is None or link.used_at is not None:
        if facts.address:
            words = pgettext("staff", "No invitation sent yet")
        elif own:
            words = DASH.join(
                (
                    pgettext("staff", "No email address on file"),
                    pgettext("staff", "add one, or set a temporary password"),
                )
            )
        else:
            words = DASH.join(
                (
                    pgettext("staff", "No email address on file"),
                    pgettext("staff", "add one in People to invite them"),
                )
            )
        return "not_invited", words, ("send_invite", *steps)
    if link.revoked_at is not None:
        return "invite_revoked", _revoked_words(link), ("resend_invite", *steps)
    if at >= link.expires_at:
        words = DASH.join(
            (
                pgettext("staff", "Expired on %(date)s")
                % {"date": short_day_and_time(practice, link.expires_at)},
                pgettext("staff", "send a new one"),
            )
        )
        return "invite_expired", words, ("resend_invite", *steps)
    sent, expires = (short_day_and_time(practice, m) for m in (link.created_at, link.expires_at))
    parts = [
        pgettext("staff", "Sent to %(email)s on %(sent)s") % {"email": link.email, "sent": sent},
        pgettext("staff", "expires %(expires)s") % {"expires": expires},
    ]
    if link.first_viewed_at:
        parts.append(
            pgettext("staff", "opened %(opened)s")
            % {"opened": short_day_and_time(practice, link.first_viewed_at)}
        )
    if link.dob_failures:
        left = MAX_DOB_FAILURES - link.dob_failures
        parts.append(
            pgettext("staff", "%(count)d wrong date(s) of birth, %(left)d left")
            % {"count": link.dob_failures, "left": left}
        )
    words = AND.join(parts)
    return "invited", words, ("resend_invite", *(steps if own else ("end_access",)))


def _revoked_words(link: AccessLink) -> str:
    reason = link.revoked_reason
    if reason == RevokeReason.TOO_MANY_DOB_FAILURES:
        return DASH.join(
            (
                pgettext("staff", "Too many wrong dates of birth (%(limit)d)")
                % {"limit": MAX_DOB_FAILURES},
                pgettext("staff", "check the date of birth on file, then resend"),
            )
        )
    if reason == RevokeReason.SUPERSEDED:
        return pgettext("staff", "Cancelled: a newer link was sent")
    if reason == RevokeReason.EMAIL_CHANGED:
        return DASH.join(
            (
                pgettext("staff", "Cancelled: the address %(email)s was changed")
                % {"email": link.email},
                pgettext("staff", "send to the new one"),
            )
        )
    return pgettext("staff", "Cancelled: %(reason)s") % {
        "reason": str(link.get_revoked_reason_display()).lower()
    }


def _status(
    access: PortalAccess | None,
    facts: AccessFacts,
    account: User | None,
    state: str,
    words: str,
    steps: tuple[str, ...],
) -> AccessStatus:
    allowance = allowance_from_times(facts.sent, facts.at)
    headline, badge = STATES[state]
    return AccessStatus(
        access=access,
        client=facts.client,
        contact=facts.contact,
        state=state,
        headline=str(headline),
        explanation=words,
        badge=badge,
        actions=_actions(steps, facts, allowance),
        account=account,
        link=facts.link,
        email=facts.email,
        has_email=bool(facts.address),
        sends_left=allowance.sends_left,
        next_available_at=allowance.next_available_at,
        next_available_text=(
            when_next(facts.practice, allowance.next_available_at, facts.at)
            if allowance.next_available_at
            else ""
        ),
        consent_note=_consent_note(facts),
        self_service=(
            budget_from_times(facts.self_service_sent, facts.at)
            if facts.contact is None or account is not None
            else None
        ),
    )


def _actions(
    steps: tuple[str, ...], facts: AccessFacts, allowance: SendAllowance
) -> tuple[Action, ...]:
    """The steps as buttons: without an address, sending gives way to a temporary password."""
    contact = facts.contact
    keys: list[str] = []
    for key in steps:
        if key in SENDS and not facts.address:
            key = "temporary_password" if contact is None else ""
        if key and key not in keys:
            keys.append(key)
    described_by = f"access-sends-{contact.public_id}" if contact else "access-sends-note"
    actions = []
    for index, key in enumerate(keys):
        label, capability, url_name, method = ACTIONS[key]
        args: list[object] = [facts.client.public_id]
        if contact is not None:
            url_name = "send_contact_invite" if key in SENDS else "end_contact_access"
            args.append(contact.public_id)
        style = "button" if index == 0 else "button-secondary"
        if key in DANGER:
            style = "button-secondary button-danger-outline"
        blocked = key in SENDS and not allowance.sends_left
        actions.append(
            Action(
                key=key,
                label=str(label),
                url=reverse(f"access:{url_name}", urlconf=settings.PRACTICE_URLCONF, args=args),
                capability=capability,
                style=style,
                method=method,
                disabled=blocked,
                described_by=described_by if blocked else "",
            )
        )
    return tuple(actions)


def _consent_note(facts: AccessFacts) -> str:
    """The telehealth consent this person still needs to join video sessions for a minor; "" when
    recorded, not needed or telehealth is off. The gate itself (which also applies the practice's
    "adults too" rule) is ``portico.appointments.telehealth.join_state``."""
    from portico.clients.minors import is_minor_by_birth
    from portico.practices.models import PortalFeature

    if PortalFeature.TELEHEALTH.value not in (facts.practice.portal_features or []):
        return ""
    person = facts.contact if facts.contact is not None else facts.client
    if person.telehealth_consent_at is not None:
        return ""
    today = local(facts.practice, facts.at).date()
    if not is_minor_by_birth(facts.practice, facts.client.date_of_birth, today):
        return ""
    return pgettext(
        "staff",
        "No telehealth consent recorded: they can sign in, but cannot join video sessions "
        "until it is",
    )
