"""Access problems: every client or contact who cannot get in right now, and why.

Nothing is stored: each problem is derived from the same facts as the client page's
status (``portico.access.status.derive_status``), so a row disappears as soon as the
problem is fixed. The whole list costs a constant number of queries whatever the
size of the practice: six for the people who may have a problem, the status reads
(``statuses_for``), one each for messages and forms sent to people whose access is
off, and one for open coming-of-age reviews. The staff top bar shows the count from a
short-lived cache (``portico.problems.counts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import npgettext, pgettext, pgettext_lazy

from portico.access.models import AccessLink, LinkPurpose, PortalAccess, RevokeReason
from portico.access.status import AccessStatus
from portico.access.status_reads import statuses_for
from portico.accounts.lockout import is_locked
from portico.accounts.models import User, UserKind
from portico.clients.models import Client, ComingOfAgeReview, Contact
from portico.intake.models import OPEN_STATUSES, Assignment
from portico.lib.localtime import short_day_and_time
from portico.mail.models import EmailStatus, OutboundEmail
from portico.messaging.models import Message, Side
from portico.practices.models import Practice

# An invitation email that reached (or left for) the inbox: "unopened" needs one.
UNOPENED_STATUSES = (EmailStatus.DELIVERED, EmailStatus.SENT)
NO_CLINICIAN = "none"  # the clinician filter's value for clients with none named

# kind -> label shown in the filter and on each row
KINDS = {
    "bounced": pgettext_lazy("staff", "Invitation bounced"),
    "complained": pgettext_lazy("staff", "Invitation marked as spam"),
    "expired": pgettext_lazy("staff", "Invitation expired"),
    "unopened": pgettext_lazy("staff", "Invitation not opened"),
    "dob_failures": pgettext_lazy("staff", "Wrong dates of birth"),
    "locked": pgettext_lazy("staff", "Account locked"),
    "temporary_password": pgettext_lazy("staff", "Temporary password expired"),
    "access_off": pgettext_lazy("staff", "Access off, but sent something"),
    "coming_of_age": pgettext_lazy("staff", "Turned adult, review open"),
}


@dataclass(frozen=True)
class Problem:
    kind: str
    client: Client
    contact: Contact | None
    since: datetime  # when the problem started (the list is newest first)
    reason: str  # plain words for staff
    fix_label: str
    fix_url: str
    # The person's derived status (None for a coming-of-age review): sends left, address.
    status: AccessStatus | None = None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def clinician_name(self) -> str:
        """The client's clinician, "" when none is named."""
        clinician = self.client.clinician
        if clinician is None:
            return ""
        return clinician.user.full_name or clinician.user.username

    @property
    def person_name(self) -> str:
        if self.contact is not None:
            role = self.contact.get_relationship_display().lower()
            return pgettext("staff", "%(contact)s (%(relationship)s of %(client)s)") % {
                "contact": self.contact.full_name,
                "relationship": role,
                "client": self.client.full_name,
            }
        return self.client.full_name


def _url(name: str, *args: object) -> str:
    return reverse(name, urlconf=settings.PRACTICE_URLCONF, args=args)


def _candidate_ids(practice: Practice, at: datetime) -> set[int]:
    """The access rows that may have a problem, one plain query per fact (five queries).

    Each reads one table of the practice with simple conditions: one query joining
    them all, with a correlated subquery per access row, took four times as long at
    100 000 clients. The final word is ``derive_status``'s.
    """
    accesses = PortalAccess.objects.filter(practice=practice, ended_at=None)
    ids = set(accesses.filter(enabled=False).values_list("pk", flat=True))
    stuck_accounts = list(
        User.objects.filter(practice=practice, kind=UserKind.PORTAL)
        .filter(
            Q(locked_until__gt=at)
            | Q(must_change_password=True, temporary_password_expires_at__lte=at)
        )
        .values_list("pk", flat=True)
    )
    if stuck_accounts:
        ids |= set(accesses.filter(user_id__in=stuck_accounts).values_list("pk", flat=True))
    # An unused invitation that went wrong; a pending one that is fine is no problem.
    # One waiting unopened: sent at least N days ago (delivered later still, so this
    # keeps every one ``_from_status`` may list).
    unopened_since = at - timedelta(days=practice.unopened_invitation_days)
    unused_invites = AccessLink.objects.filter(
        practice=practice,
        purpose=LinkPurpose.CLIENT_INVITE,
        used_at=None,
        access__isnull=False,
        access__user=None,
    )
    ids |= set(
        unused_invites.filter(
            Q(revoked_at=None, expires_at__lte=at)
            | Q(revoked_reason=RevokeReason.TOO_MANY_DOB_FAILURES)
            | Q(revoked_at=None, first_viewed_at=None, created_at__lte=unopened_since)
        ).values_list("access_id", flat=True)
    )
    ids |= set(
        OutboundEmail.objects.filter(
            practice=practice,
            status__in=[EmailStatus.BOUNCED, EmailStatus.COMPLAINED],
            link__in=unused_invites,
        ).values_list("link__access_id", flat=True)
    )
    return ids


def _candidates(practice: Practice, at: datetime) -> list[PortalAccess]:
    """Access rows that may have a problem (six queries), with their people."""
    ids = _candidate_ids(practice, at)
    if not ids:
        return []
    return list(
        PortalAccess.objects.filter(
            pk__in=ids, practice=practice, ended_at=None, client__archived_at=None
        )
        .filter(Q(contact=None) | Q(contact__removed_at=None))
        .select_related("client__clinician__user", "contact", "user")
    )


def _sent_while_off(practice: Practice, client_ids: list[int]) -> dict[int, tuple[datetime, str]]:
    """Per client: the latest message or open form the practice sent (two queries)."""
    sent: dict[int, tuple[datetime, str]] = {}
    if not client_ids:
        return sent
    messages = (
        Message.objects.filter(
            practice=practice, side=Side.STAFF, conversation__client_id__in=client_ids
        )
        .values("conversation__client_id")
        .annotate(last=Max("created_at"))
    )
    for row in messages:
        sent[row["conversation__client_id"]] = (row["last"], "message")
    forms = (
        Assignment.objects.filter(
            practice=practice, client_id__in=client_ids, status__in=OPEN_STATUSES
        )
        .values("client_id")
        .annotate(last=Max("created_at"))
    )
    for form in forms:
        previous = sent.get(form["client_id"])
        if previous is None or form["last"] > previous[0]:
            sent[form["client_id"]] = (form["last"], "form")
    return sent


def _fix_for(status: AccessStatus, label: str) -> tuple[str, str]:
    """Where the fix lives: the client's page, or the People tab for a contact."""
    client = status.client
    if status.contact is not None:
        return label, _url("clients:people", client.public_id)
    return label, _url("clients:detail", client.public_id)


def _from_status(status: AccessStatus, practice: Practice, at: datetime) -> Problem | None:
    link, email, account = status.link, status.email, status.account
    who = status.contact.full_name if status.contact is not None else status.client.full_name
    problem: tuple[str, datetime, str, str] | None = None
    invitation_pending = status.state in ("invited", "invite_expired", "invite_revoked")
    if status.state in ("disabled", "access_off") or status.access is None:
        return None  # handled with what was sent to them
    if (
        invitation_pending
        and email is not None
        and email.status in (EmailStatus.BOUNCED, EmailStatus.COMPLAINED)
    ):
        detail = email.status_detail.strip().rstrip(".")
        if email.status == EmailStatus.BOUNCED:
            values = {"address": email.to_address, "detail": detail}
            reason = (
                pgettext("staff", "Invitation to %(address)s bounced: %(detail)s — fix the address")
                if detail
                else pgettext("staff", "Invitation to %(address)s bounced — fix the address")
            ) % values
            problem = (
                "bounced",
                email.status_changed_at,
                reason,
                pgettext("staff", "Fix the address"),
            )
        else:
            reason = pgettext(
                "staff",
                "Invitation to %(address)s was marked as spam by the recipient — "
                "check the address with them before sending again",
            ) % {"address": email.to_address}
            problem = (
                "complained",
                email.status_changed_at,
                reason,
                pgettext("staff", "Check the address"),
            )
    elif status.state == "invite_expired" and link is not None:
        reason = pgettext(
            "staff", "Invitation to %(address)s expired on %(when)s and was not resent"
        ) % {"address": link.email, "when": short_day_and_time(practice, link.expires_at)}
        problem = ("expired", link.expires_at, reason, pgettext("staff", "Resend the invitation"))
    elif status.state == "invited" and link is not None and email is not None:
        problem = _unopened(link, email, practice, at)
    elif (
        status.state == "invite_revoked"
        and link is not None
        and link.revoked_reason == RevokeReason.TOO_MANY_DOB_FAILURES
    ):
        reason = pgettext(
            "staff",
            "Registration cancelled after too many wrong dates of birth — check the date of "
            "birth on file, then resend the invitation",
        )
        problem = (
            "dob_failures",
            link.revoked_at or link.created_at,
            reason,
            pgettext("staff", "Check and resend"),
        )
    elif account is not None and is_locked(account, at) and account.locked_until is not None:
        reason = npgettext(
            "staff",
            "%(name)s's account %(username)s is locked after %(count)d wrong password, "
            "until %(when)s",
            "%(name)s's account %(username)s is locked after %(count)d wrong passwords, "
            "until %(when)s",
            account.failed_sign_ins,
        ) % {
            "name": who,
            "username": account.username,
            "count": account.failed_sign_ins,
            "when": short_day_and_time(practice, account.locked_until),
        }
        label = (
            pgettext("staff", "Unlock")
            if status.contact is None
            else pgettext("staff", "See their access")
        )
        problem = ("locked", account.locked_until, reason, label)
    elif (
        account is not None
        and account.must_change_password
        and account.temporary_password_expires_at is not None
        and account.temporary_password_expires_at <= at
    ):
        expires = account.temporary_password_expires_at
        reason = pgettext(
            "staff",
            "The temporary password of %(username)s expired unused on %(when)s "
            "— set a new one or send a reset",
        ) % {"username": account.username, "when": short_day_and_time(practice, expires)}
        problem = ("temporary_password", expires, reason, pgettext("staff", "Set a new password"))
    if problem is None:
        return None
    kind, since, reason, label = problem
    fix_label, fix_url = _fix_for(status, label)
    return Problem(kind, status.client, status.contact, since, reason, fix_label, fix_url, status)


def _unopened(
    link: AccessLink, email: OutboundEmail, practice: Practice, at: datetime
) -> tuple[str, datetime, str, str] | None:
    """A live invitation delivered (or sent, without a delivery report) N days ago and
    never opened: perhaps in a spam folder, or an address nobody reads."""
    arrived = email.delivered_at if email.status == EmailStatus.DELIVERED else email.sent_at
    if link.first_viewed_at is not None or email.status not in UNOPENED_STATUSES:
        return None
    days = practice.unopened_invitation_days
    if arrived is None or arrived > at - timedelta(days=days):
        return None
    values = {"address": link.email, "when": short_day_and_time(practice, arrived), "days": days}
    if email.status == EmailStatus.DELIVERED:
        reason = npgettext(
            "staff",
            "Invitation to %(address)s was delivered on %(when)s and has not been opened in "
            "%(days)d day — ask them to check their spam folder or the address, then resend it",
            "Invitation to %(address)s was delivered on %(when)s and has not been opened in "
            "%(days)d days — ask them to check their spam folder or the address, then resend it",
            days,
        )
    else:
        reason = npgettext(
            "staff",
            "Invitation to %(address)s was sent on %(when)s and has not been opened in "
            "%(days)d day — ask them to check their spam folder or the address, then resend it",
            "Invitation to %(address)s was sent on %(when)s and has not been opened in "
            "%(days)d days — ask them to check their spam folder or the address, then resend it",
            days,
        )
    label = pgettext("staff", "Resend the invitation")
    return ("unopened", arrived + timedelta(days=days), reason % values, label)


def access_problems(
    practice: Practice, at: datetime, *, kind: str = "", clinician: str = ""
) -> list[Problem]:
    """Every person of the practice who cannot get in now, newest problem first."""
    accesses = _candidates(practice, at)
    for access in accesses:
        if access.contact is not None:
            access.contact.client = access.client
    people = [(a.client, a.contact, a) for a in accesses]
    problems: list[Problem] = []
    statuses = statuses_for(practice, people, at) if people else []
    # The client's own access only: a contact switched off on purpose is not stuck
    # because the practice wrote to the client.
    off = [s for s in statuses if s.state == "disabled" and s.contact is None]
    sent = _sent_while_off(practice, sorted({s.client.pk for s in off}))
    for status in statuses:
        problem = _from_status(status, practice, at)
        if problem is not None:
            problems.append(problem)
    for status in off:
        if status.client.pk not in sent:
            continue
        when, what = sent[status.client.pk]
        who = status.contact.full_name if status.contact is not None else status.client.full_name
        values = {"when": short_day_and_time(practice, when), "name": who}
        if what == "message":
            reason = pgettext(
                "staff",
                "The practice sent a message on %(when)s, but portal access is off for "
                "%(name)s, so they cannot read it — turn access on",
            )
        else:
            reason = pgettext(
                "staff",
                "The practice sent a form on %(when)s, but portal access is off for "
                "%(name)s, so they cannot read it — turn access on",
            )
        label, url = _fix_for(status, pgettext("staff", "Turn access on"))
        problems.append(
            Problem(
                "access_off",
                status.client,
                status.contact,
                when,
                reason % values,
                label,
                url,
                status,
            )
        )
    reviews = ComingOfAgeReview.objects.filter(
        practice=practice, resolved_at=None, client__archived_at=None
    ).select_related("client__clinician__user")
    for review in reviews:
        reason = pgettext(
            "staff",
            "%(name)s turned %(age)d on %(day)s; their portal access waits for your review",
        ) % {
            "name": review.client.full_name,
            "age": practice.age_of_majority,
            "day": date_format(review.came_of_age_on, "M j, Y"),
        }
        url = _url("clients:coming_of_age_review", review.client.public_id)
        problems.append(
            Problem(
                "coming_of_age",
                review.client,
                None,
                review.created_at,
                reason,
                pgettext("staff", "Review access"),
                url,
            )
        )
    problems.sort(key=lambda p: p.since, reverse=True)
    return filtered(problems, kind=kind, clinician=clinician)


def filtered(problems: list[Problem], *, kind: str = "", clinician: str = "") -> list[Problem]:
    """The problems of one kind and/or one clinician's clients (``NO_CLINICIAN``: none named)."""
    if kind:
        problems = [p for p in problems if p.kind == kind]
    if clinician == NO_CLINICIAN:
        problems = [p for p in problems if p.client.clinician_id is None]
    elif clinician:
        problems = [p for p in problems if str(p.client.clinician_id) == clinician]
    return problems
