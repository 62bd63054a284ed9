"""A client's portal status, derived in one place for the client page, the list and the API.

``portal_statuses`` reads everything for a page of clients in a constant number
of queries; ``portal_status`` is the same function for one client.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from portico.access.limits import (
    SELF_SERVICE_WINDOW,
    SEND_LIMIT,
    SEND_WINDOW,
    SelfServiceBudget,
    SendAllowance,
    allowance_from_times,
    budget_from_times,
)
from portico.access.links import CLIENT_PURPOSES, is_live
from portico.access.models import AccessLink, LinkPurpose, PortalGrant, RevokeReason
from portico.access.queries import AccessEvent, recent_access_events
from portico.access.registration import MAX_DOB_FAILURES
from portico.access.wording import clock, short_day_and_time, when_next
from portico.accounts.lockout import MAX_FAILED_SIGN_INS, is_locked
from portico.accounts.models import User
from portico.clients.models import Client, ClientEmail
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice

# state -> (headline, badge class)
STATES = {
    "not_invited": ("Not invited", "badge"),
    "invited": ("Invited", "badge-info"),
    "invite_expired": ("Invite expired", "badge-warn"),
    "invite_revoked": ("Invite cancelled", "badge-warn"),
    "active": ("Active", "badge-ok"),
    "disabled": ("Disabled", "badge-bad"),
    "locked": ("Locked", "badge-bad"),
}
ACTION_LABELS = {
    "send_invite": "Send portal invite",
    "resend_invite": "Resend invite",
    "send_password_reset": "Send password reset",
    "reset_and_resend_welcome": "Reset password and resend welcome email",
    "enable_access": "Enable portal access",
    "disable_access": "Disable portal access",
    "unlock": "Unlock",
    "temporary_password": "Set a temporary password",
}


@dataclass(frozen=True)
class PortalStatus:
    state: str
    headline: str
    explanation: str
    badge: str
    primary_action: str | None
    secondary_actions: tuple[str, ...]
    account: User | None
    link: AccessLink | None  # the latest invitation or reset link
    email: OutboundEmail | None  # the latest email that carried it
    has_email: bool
    sends_left: int
    next_available_at: datetime | None
    next_available_text: str = ""  # "2:05 PM", in the practice's time zone
    events: tuple[AccessEvent, ...] = ()
    # "Forgot password?" emails: their own budget, apart from the staff allowance.
    self_service: SelfServiceBudget = SelfServiceBudget(last_hour=0, last_day=0)

    @property
    def sends_text(self) -> str:
        """The staff allowance, in words for staff."""
        return staff_sends_text(self.sends_left, self.next_available_text)

    @property
    def primary_label(self) -> str:
        return ACTION_LABELS.get(self.primary_action or "", "")

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
        """No account and no working invitation, but an address to send one to."""
        return self.has_email and self.state in ("not_invited", "invite_expired", "invite_revoked")

    @property
    def short(self) -> str:
        """For the client list: the explanation's first clause."""
        return self.detail.split(";")[0].split(" — ")[0]


def portal_status(client: Client, at: datetime) -> PortalStatus:
    """The status of one client, with its last few access events (for the client page)."""
    status = portal_statuses([client], at)[client.pk]
    return replace(status, events=tuple(recent_access_events(client, status.account)))


def staff_sends_text(sends_left: int, next_available_text: str) -> str:
    if sends_left:
        return (
            f"Staff sends: {sends_left} of {SEND_LIMIT} invitation or reset emails left "
            "in the last 24 hours."
        )
    return (
        f"Staff sends: no invitation or reset emails left for now ({SEND_LIMIT} in 24 hours). "
        f"The next can be sent at {next_available_text}."
    )


@dataclass(frozen=True)
class LinkSummaries:
    latest: dict[int, AccessLink]
    staff_sent: dict[int, list[datetime]]  # staff send times inside the resend window
    self_service_sent: dict[int, list[datetime]]  # "Forgot password?" emails, last 24 h
    emails: dict[int, OutboundEmail]


def link_summaries(links: QuerySet[AccessLink], person_field: str, at: datetime) -> LinkSummaries:
    """For many people at once (``person_field``: "client_id" or "contact_id"), in 3 queries:
    each one's latest link, the send times inside each budget's window (staff and
    self-service apart), and the email that carried each latest link (the newest,
    when a link was emailed twice).
    """
    latest: dict[int, AccessLink] = {
        getattr(link, person_field): link
        for link in links.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F(person_field)],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        ).filter(row=1)
    }
    staff_sent: dict[int, list[datetime]] = defaultdict(list)
    self_service_sent: dict[int, list[datetime]] = defaultdict(list)
    since = at - max(SEND_WINDOW, SELF_SERVICE_WINDOW)
    for person_id, created_at, self_service in links.filter(created_at__gt=since).values_list(
        person_field, "created_at", "self_service"
    ):
        (self_service_sent if self_service else staff_sent)[person_id].append(created_at)
    emails: dict[int, OutboundEmail] = {}
    for email in OutboundEmail.objects.filter(
        link_id__in=[link.pk for link in latest.values()]
    ).order_by("created_at", "id"):
        emails[email.link_id] = email  # type: ignore[index]  # the newest wins
    return LinkSummaries(latest, staff_sent, self_service_sent, emails)


def portal_statuses(
    clients: Sequence[Client], at: datetime, *, practice: Practice | None = None
) -> dict[int, PortalStatus]:
    """Statuses for many clients of one practice, in at most five queries whatever their number.

    Rows annotated with ``default_email`` (the client list's queryset) save one;
    passing the ``practice`` saves another.
    """
    if not clients:
        return {}
    ids = [client.pk for client in clients]
    accounts = {
        grant.client_id: grant.user
        for grant in PortalGrant.objects.filter(
            client_id__in=ids, relationship="self", revoked_at__isnull=True
        ).select_related("user")
    }
    # The client's own links: each contact's are shown (and limited) on their own.
    links = AccessLink.objects.filter(
        client_id__in=ids, purpose__in=CLIENT_PURPOSES, contact__isnull=True
    )
    summaries = link_summaries(links, "client_id", at)
    if all(hasattr(client, "default_email") for client in clients):
        with_email = {client.pk for client in clients if getattr(client, "default_email", None)}
    else:
        with_email = set(
            ClientEmail.objects.filter(client_id__in=ids, is_default=True).values_list(
                "client_id", flat=True
            )
        )
    practice = practice or clients[0].practice  # one practice per call: fetched once
    result = {}
    for client in clients:
        link = summaries.latest.get(client.pk)
        status = derive_status(
            client,
            practice=practice,
            account=accounts.get(client.pk),
            link=link,
            email=summaries.emails.get(link.pk) if link else None,
            has_email=client.pk in with_email,
            allowance=allowance_from_times(summaries.staff_sent[client.pk], at),
            at=at,
        )
        budget = budget_from_times(summaries.self_service_sent[client.pk], at)
        result[client.pk] = replace(status, self_service=budget)
    return result


def derive_status(
    client: Client,
    *,
    practice: Practice,
    account: User | None,
    link: AccessLink | None,
    email: OutboundEmail | None,
    has_email: bool,
    allowance: SendAllowance,
    at: datetime,
) -> PortalStatus:
    """The one place that decides a client's portal state and what staff should do next."""

    def when(moment: datetime) -> str:
        return short_day_and_time(practice, moment)

    def status(state: str, explanation: str, primary: str | None, *others: str) -> PortalStatus:
        headline, badge = STATES[state]
        return PortalStatus(
            state=state,
            headline=headline,
            explanation=explanation,
            badge=badge,
            primary_action=primary,
            secondary_actions=tuple(o for o in others if o != primary),
            account=account,
            link=link,
            email=email,
            has_email=has_email,
            sends_left=allowance.sends_left,
            next_available_at=allowance.next_available_at,
            next_available_text=(
                when_next(practice, allowance.next_available_at, at)
                if allowance.next_available_at
                else ""
            ),
        )

    if not client.portal_access_enabled or (account is not None and not account.is_active):
        if account is not None:
            return status(
                "disabled",
                f"Disabled: cannot sign in as {account.username}, even with the right password",
                "enable_access",
            )
        return status("disabled", "Disabled, never set up", "enable_access")

    if account is not None:
        others = ("temporary_password", "disable_access")
        if is_locked(account, at):
            assert account.locked_until is not None  # noqa: S101
            return status(
                "locked",
                f"Locked until {clock(practice, account.locked_until)} for browsers that "
                "have not signed in before, after "
                f"{max(account.failed_sign_ins, MAX_FAILED_SIGN_INS)} wrong passwords in a row",
                "unlock",
                "send_password_reset",
                *others,
            )
        last = (
            f"last signed in {when(account.last_login)}"
            if account.last_login
            else "has not signed in yet"
        )
        parts = [f"Active: username {account.username}, {last}"]
        if account.must_change_password and account.temporary_password_expires_at:
            if at < account.temporary_password_expires_at:
                parts.append(
                    "temporary password set; it works until "
                    f"{when(account.temporary_password_expires_at)}"
                )
            else:
                parts.append("the temporary password expired unused: set a new one or send a reset")
        if link is not None and link.purpose == LinkPurpose.PASSWORD_RESET and is_live(link, at):
            parts.append(f"password reset sent to {link.email} on {when(link.created_at)}")
        primary = "send_password_reset" if has_email else "temporary_password"
        return status("active", "; ".join(parts), primary, "send_password_reset", *others)

    invite_actions = ("temporary_password", "disable_access")
    primary = "send_invite" if has_email else "temporary_password"
    if link is None or link.used_at is not None:
        explanation = (
            "No invitation sent yet"
            if has_email
            else "No email address on file — add one, or set a temporary password"
        )
        return status("not_invited", explanation, primary, *invite_actions)
    resend = "resend_invite" if has_email else "temporary_password"
    if link.revoked_at is not None:
        reason = link.revoked_reason
        if reason == RevokeReason.TOO_MANY_DOB_FAILURES:
            explanation = (
                f"Too many wrong dates of birth ({MAX_DOB_FAILURES}) — check the date of birth "
                "on file, then resend"
            )
        elif reason == RevokeReason.SUPERSEDED:
            explanation = "Cancelled: a newer link was sent"
        elif reason == RevokeReason.EMAIL_CHANGED:
            explanation = f"Cancelled: the address {link.email} was changed — send to the new one"
        else:
            explanation = f"Cancelled: {link.get_revoked_reason_display().lower()}"
        return status("invite_revoked", explanation, resend, *invite_actions)
    if at >= link.expires_at:
        return status(
            "invite_expired",
            f"Expired on {when(link.expires_at)} — send a new one",
            resend,
            *invite_actions,
        )
    explanation = (
        f"Sent to {link.email} on {when(link.created_at)}; expires {when(link.expires_at)}"
    )
    if link.first_viewed_at:
        explanation += f"; opened {when(link.first_viewed_at)}"
    if link.dob_failures:
        left = MAX_DOB_FAILURES - link.dob_failures
        explanation += f"; {link.dob_failures} wrong date(s) of birth, {left} left"
    return status("invited", explanation, resend, *invite_actions)
