"""Each contact's portal status, in the same plain words as the client's (``status.py``).

``contact_statuses`` reads everything for any number of contacts in five queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from portico.access.limits import (
    SELF_SERVICE_WINDOW,
    SelfServiceBudget,
    allowance_from_times,
    budget_from_times,
)
from portico.access.links import CLIENT_PURPOSES
from portico.access.models import AccessLink, GrantRelationship, PortalGrant, RevokeReason
from portico.access.status import link_summaries, staff_sends_text
from portico.access.wording import short_day_and_time, when_next
from portico.accounts.lockout import is_locked
from portico.accounts.models import User
from portico.clients.models import Contact
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice

# state -> (headline, badge class)
CONTACT_STATES = {
    "not_invited": ("Not invited", "badge"),
    "invited": ("Invited", "badge-info"),
    "invite_expired": ("Invite expired", "badge-warn"),
    "invite_cancelled": ("Invite cancelled", "badge-warn"),
    "active": ("Active", "badge-ok"),
    "ended": ("Access ended", "badge-warn"),
    "access_off": ("Access off", "badge-bad"),
}
CONTACT_ACTION_LABELS = {
    "send_invite": "Send portal invite",
    "resend_invite": "Resend invite",
    "end_access": "Revoke access for this client",
}


@dataclass(frozen=True)
class ContactStatus:
    contact: Contact
    state: str
    headline: str
    badge: str
    detail: str
    primary_action: str | None
    secondary_actions: tuple[str, ...]
    account: User | None
    link: AccessLink | None
    email: OutboundEmail | None
    sends_left: int
    next_available_text: str
    consent_note: str  # what is missing, in words for staff; "" when nothing is
    # Their account's "Forgot password?" emails (None without an account of their own).
    self_service: SelfServiceBudget | None = None

    @property
    def primary_label(self) -> str:
        return CONTACT_ACTION_LABELS.get(self.primary_action or "", "")

    @property
    def actions(self) -> tuple[str, ...]:
        first = (self.primary_action,) if self.primary_action else ()
        return first + self.secondary_actions

    @property
    def sends_text(self) -> str:
        return staff_sends_text(self.sends_left, self.next_available_text)


def contact_status(contact: Contact, at: datetime) -> ContactStatus:
    return contact_statuses([contact], at)[contact.pk]


def contact_statuses(
    contacts: Sequence[Contact], at: datetime, *, practice: Practice | None = None
) -> dict[int, ContactStatus]:
    """Statuses of contacts of one practice, in five queries whatever their number.

    Pass the ``practice`` when the contacts were loaded without their client.
    """
    if not contacts:
        return {}
    practice = practice or contacts[0].client.practice
    ids = [contact.pk for contact in contacts]
    grants: dict[int, PortalGrant] = {}
    for grant in (
        PortalGrant.objects.filter(contact_id__in=ids, relationship=GrantRelationship.CONTACT)
        .select_related("user")
        .order_by("created_at", "id")
    ):
        # An active grant wins; otherwise the most recent ended one.
        current = grants.get(grant.contact_id)  # type: ignore[arg-type]
        if current is None or current.revoked_at is not None:
            grants[grant.contact_id] = grant  # type: ignore[index]
    links = AccessLink.objects.filter(contact_id__in=ids, purpose__in=CLIENT_PURPOSES)
    summaries = link_summaries(links, "contact_id", at)
    self_service = _account_self_service(grants.values(), at)
    result = {}
    for contact in contacts:
        link = summaries.latest.get(contact.pk)
        status = _derive(
            contact,
            practice=practice,
            grant=grants.get(contact.pk),
            link=link,
            email=summaries.emails.get(link.pk) if link else None,
            sent=summaries.staff_sent[contact.pk],
            at=at,
        )
        if status.account is not None:
            budget = budget_from_times(self_service.get(status.account.pk, []), at)
            status = replace(status, self_service=budget)
        result[contact.pk] = status
    return result


def _account_self_service(grants: Iterable[PortalGrant], at: datetime) -> dict[int, list[datetime]]:
    """The "Forgot password?" emails of the contacts' own accounts (a guardian's resets
    belong to the account, not to one client), in one query."""
    accounts = {grant.user_id for grant in grants if grant.revoked_at is None}
    sent: dict[int, list[datetime]] = defaultdict(list)
    if not accounts:
        return sent
    for user_id, created_at in AccessLink.objects.filter(
        user_id__in=accounts,
        client__isnull=True,
        purpose__in=CLIENT_PURPOSES,
        self_service=True,
        created_at__gt=at - SELF_SERVICE_WINDOW,
    ).values_list("user_id", "created_at"):
        sent[user_id].append(created_at)
    return sent


def _derive(
    contact: Contact,
    *,
    practice: Practice,
    grant: PortalGrant | None,
    link: AccessLink | None,
    email: OutboundEmail | None,
    sent: list[datetime],
    at: datetime,
) -> ContactStatus:
    """The one place that decides a contact's portal state and what staff should do next."""
    allowance = allowance_from_times(sent, at)
    live_grant = grant if grant is not None and grant.revoked_at is None else None
    account = live_grant.user if live_grant else None

    def when(moment: datetime) -> str:
        return short_day_and_time(practice, moment)

    def status(state: str, detail: str, primary: str | None, *others: str) -> ContactStatus:
        headline, badge = CONTACT_STATES[state]
        return ContactStatus(
            contact=contact,
            state=state,
            headline=headline,
            badge=badge,
            detail=detail,
            primary_action=primary if contact.email or primary == "end_access" else None,
            secondary_actions=tuple(o for o in others if o != primary),
            account=account,
            link=link,
            email=email,
            sends_left=allowance.sends_left,
            next_available_text=(
                when_next(practice, allowance.next_available_at, at)
                if allowance.next_available_at
                else ""
            ),
            consent_note=_consent_note(
                contact, practice_offers_video="telehealth" in (practice.portal_features or [])
            ),
        )

    if not contact.portal_access_enabled:
        return status(
            "access_off",
            "Portal access is turned off for this person; turn it on in People to invite them",
            None,
        )
    if account is not None:
        if not account.is_active:
            detail = f"Their account {account.username} is turned off: they cannot sign in"
        elif is_locked(account, at):
            detail = f"Username {account.username}, locked after too many wrong passwords"
        else:
            last = (
                f"last signed in {when(account.last_login)}"
                if account.last_login
                else "has not signed in yet"
            )
            detail = f"Username {account.username}, {last}"
        return status("active", detail, "end_access")
    no_email = "No email address on file — add one in People to invite them"
    link_is_newer = link is not None and (
        grant is None or grant.revoked_at is None or link.created_at > grant.revoked_at
    )
    if grant is not None and grant.revoked_at is not None and not link_is_newer:
        return status(
            "ended",
            f"Access to this client ended {when(grant.revoked_at)}; send a new invitation "
            "to give it back",
            "resend_invite",
        )
    if link is None or link.used_at is not None:
        return status(
            "not_invited", "No invitation sent yet" if contact.email else no_email, "send_invite"
        )
    if link.revoked_at is not None:
        why = (
            "a newer link was sent"
            if link.revoked_reason == RevokeReason.SUPERSEDED
            else link.get_revoked_reason_display().lower()
        )
        return status("invite_cancelled", f"Cancelled: {why}", "resend_invite")
    if at >= link.expires_at:
        return status(
            "invite_expired",
            f"Expired on {when(link.expires_at)} — send a new one",
            "resend_invite",
        )
    detail = f"Sent to {link.email} on {when(link.created_at)}; expires {when(link.expires_at)}"
    if link.first_viewed_at:
        detail += f"; opened {when(link.first_viewed_at)}"
    return status("invited", detail, "resend_invite", "end_access")


def _consent_note(contact: Contact, *, practice_offers_video: bool) -> str:
    if not practice_offers_video or contact.telehealth_consent_at is not None:
        return ""
    return (
        "No telehealth consent recorded: they can sign in, but cannot join video sessions "
        "until it is"
    )
