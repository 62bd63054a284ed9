"""A person's portal status, derived in one place for every person and every screen.

``derive_status(access, facts)`` decides the state, the words staff read and
the next steps, for the client themself and for each contact alike. Its actions
are objects (label, URL, capability, style, disabled), so a template renders
them with one loop. ``statuses_for`` reads the facts for any number of people of
one practice in a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from portico.access.limits import (
    MAX_DOB_FAILURES,
    SELF_SERVICE_WINDOW,
    SEND_LIMIT,
    SEND_WINDOW,
    SelfServiceBudget,
    SendAllowance,
    allowance_from_times,
    budget_from_times,
)
from portico.access.links import CLIENT_PURPOSES, is_live
from portico.access.models import AccessLink, LinkPurpose, PortalAccess, RevokeReason
from portico.access.queries import (
    AccessEvent,
    contact_accesses,
    own_accesses,
    recent_access_events,
)
from portico.accounts.lockout import MAX_FAILED_SIGN_INS, is_locked
from portico.accounts.models import User
from portico.clients.models import Client, ClientEmail, Contact
from portico.lib.localtime import clock, short_day_and_time, when_next
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
    "ended": ("Access ended", "badge-warn"),
    "access_off": ("Access off", "badge-bad"),
}
SENDS = ("send_invite", "resend_invite", "send_password_reset", "reset_and_resend_welcome")
# key -> (label, capability, URL name for the client / for a contact, form method)
ACTIONS = {
    "send_invite": ("Send portal invite", "send_invites", "send_invite", "post"),
    "resend_invite": ("Resend invite", "send_invites", "resend_invite", "post"),
    "send_password_reset": ("Send password reset", "send_invites", "send_reset", "post"),
    "reset_and_resend_welcome": (
        "Reset password and resend welcome email",
        "send_invites",
        "reset_and_resend_welcome",
        "post",
    ),
    "enable_access": ("Enable portal access", "toggle_portal_access", "enable", "post"),
    "disable_access": ("Disable portal access", "toggle_portal_access", "disable", "post"),
    "unlock": ("Unlock", "toggle_portal_access", "unlock", "post"),
    "temporary_password": (
        "Set a temporary password",
        "set_temporary_password",
        "temporary_password",
        "get",
    ),
    "end_access": ("Revoke access for this client", "toggle_portal_access", "end_access", "get"),
}
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
    """What ``derive_status`` reads about one person (loaded by ``statuses_for``)."""

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
    events: tuple[AccessEvent, ...] = field(default=())
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
            return (
                f"Staff sends: {self.sends_left} of {SEND_LIMIT} invitation or reset emails "
                "left in the last 24 hours."
            )
        return (
            f"Staff sends: no invitation or reset emails left for now ({SEND_LIMIT} in 24 "
            f"hours). The next can be sent at {self.next_available_text}."
        )

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
        return (
            "access_off",
            "Portal access is turned off for this person; turn it on in People to invite them",
            (),
        )
    if account is not None:
        words = f"Disabled: cannot sign in as {account.username}, even with the right password"
        return "disabled", words, ("enable_access",)
    return "disabled", "Disabled, never set up", ("enable_access",)


def _ended_words(access: PortalAccess, facts: AccessFacts) -> str:
    when = short_day_and_time(facts.practice, access.ended_at or facts.at)
    return f"Access to this client ended {when}; send a new invitation to give it back"


def _with_account(account: User, facts: AccessFacts) -> tuple[str, str, tuple[str, ...]]:
    practice, at, link = facts.practice, facts.at, facts.link
    if facts.contact is not None:
        if is_locked(account, at):
            return (
                "active",
                f"Username {account.username}, locked after too many wrong passwords",
                ("end_access",),
            )
        return (
            "active",
            f"Username {account.username}, {_last_sign_in(account, facts)}",
            ("end_access",),
        )
    others = ("temporary_password", "disable_access")
    if is_locked(account, at) and account.locked_until is not None:
        words = (
            f"Locked until {clock(practice, account.locked_until)} for browsers that "
            "have not signed in before, after "
            f"{max(account.failed_sign_ins, MAX_FAILED_SIGN_INS)} wrong passwords in a row"
        )
        return "locked", words, ("unlock", "send_password_reset", *others)
    parts = [f"Active: username {account.username}, {_last_sign_in(account, facts)}"]
    expires = account.temporary_password_expires_at
    if account.must_change_password and expires:
        if at < expires:
            parts.append(
                f"temporary password set; it works until {short_day_and_time(practice, expires)}"
            )
        else:
            parts.append("the temporary password expired unused: set a new one or send a reset")
    if link is not None and link.purpose == LinkPurpose.PASSWORD_RESET and is_live(link, at):
        sent = short_day_and_time(practice, link.created_at)
        parts.append(f"password reset sent to {link.email} on {sent}")
    primary = "send_password_reset" if facts.address else "temporary_password"
    return "active", "; ".join(parts), (primary, "send_password_reset", *others)


def _last_sign_in(account: User, facts: AccessFacts) -> str:
    if account.last_login:
        return f"last signed in {short_day_and_time(facts.practice, account.last_login)}"
    return "has not signed in yet"


def _by_link(facts: AccessFacts) -> tuple[str, str, tuple[str, ...]]:
    """No account yet: what the latest invitation says."""
    link, at, practice = facts.link, facts.at, facts.practice
    own = facts.contact is None
    steps = ("temporary_password", "disable_access") if own else ()
    if link is None or link.used_at is not None:
        if facts.address:
            words = "No invitation sent yet"
        elif own:
            words = "No email address on file — add one, or set a temporary password"
        else:
            words = "No email address on file — add one in People to invite them"
        return "not_invited", words, ("send_invite", *steps)
    if link.revoked_at is not None:
        return "invite_revoked", _revoked_words(link), ("resend_invite", *steps)
    if at >= link.expires_at:
        words = f"Expired on {short_day_and_time(practice, link.expires_at)} — send a new one"
        return "invite_expired", words, ("resend_invite", *steps)
    sent, expires = (short_day_and_time(practice, m) for m in (link.created_at, link.expires_at))
    words = f"Sent to {link.email} on {sent}; expires {expires}"
    if link.first_viewed_at:
        words += f"; opened {short_day_and_time(practice, link.first_viewed_at)}"
    if link.dob_failures:
        left = MAX_DOB_FAILURES - link.dob_failures
        words += f"; {link.dob_failures} wrong date(s) of birth, {left} left"
    return "invited", words, ("resend_invite", *(steps if own else ("end_access",)))


def _revoked_words(link: AccessLink) -> str:
    reason = link.revoked_reason
    if reason == RevokeReason.TOO_MANY_DOB_FAILURES:
        return (
            f"Too many wrong dates of birth ({MAX_DOB_FAILURES}) — check the date of birth "
            "on file, then resend"
        )
    if reason == RevokeReason.SUPERSEDED:
        return "Cancelled: a newer link was sent"
    if reason == RevokeReason.EMAIL_CHANGED:
        return f"Cancelled: the address {link.email} was changed — send to the new one"
    return f"Cancelled: {link.get_revoked_reason_display().lower()}"


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
        headline=headline,
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
                label=label,
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
    contact = facts.contact
    offers_video = "telehealth" in (facts.practice.portal_features or [])
    if contact is None or not offers_video or contact.telehealth_consent_at is not None:
        return ""
    return (
        "No telehealth consent recorded: they can sign in, but cannot join video sessions "
        "until it is"
    )


# --- reading the facts for many people at once -------------------------------------------


Person = tuple[int, int | None]  # (client id, contact id or None for the client themself)


@dataclass(frozen=True)
class LinkSummaries:
    latest: dict[Person, AccessLink]
    staff_sent: dict[Person, list[datetime]]  # staff send times inside the resend window
    self_service_sent: dict[Person, list[datetime]]  # "Forgot password?" emails, last 24 h
    emails: dict[int, OutboundEmail]


def _latest_links(links: QuerySet[AccessLink], at: datetime) -> LinkSummaries:
    """Per person (across their access rows), in 3 queries: the latest link, the send times
    inside each budget's window (staff and self-service apart), and the email that
    carried each latest link (the newest, when it was emailed twice)."""
    person = [F("access__client_id"), F("access__contact_id")]
    links = links.annotate(person_client=person[0], person_contact=person[1])
    latest: dict[Person, AccessLink] = {
        (link.person_client, link.person_contact): link
        for link in links.annotate(
            row=Window(
                RowNumber(),
                partition_by=person,
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        ).filter(row=1)
    }
    staff_sent: dict[Person, list[datetime]] = defaultdict(list)
    self_service_sent: dict[Person, list[datetime]] = defaultdict(list)
    since = at - max(SEND_WINDOW, SELF_SERVICE_WINDOW)
    recent = links.filter(created_at__gt=since).values_list(
        "person_client", "person_contact", "created_at", "self_service"
    )
    for client_id, contact_id, created_at, self_service in recent:
        (self_service_sent if self_service else staff_sent)[(client_id, contact_id)].append(
            created_at
        )
    emails: dict[int, OutboundEmail] = {}
    for email in OutboundEmail.objects.filter(
        link_id__in=[link.pk for link in latest.values()]
    ).order_by("created_at", "id"):
        emails[email.link_id] = email  # type: ignore[index]  # the newest wins
    return LinkSummaries(latest, staff_sent, self_service_sent, emails)


def _account_self_service(
    people: Sequence[tuple[Client, Contact | None, PortalAccess | None]], at: datetime
) -> dict[int, list[datetime]]:
    """The "Forgot password?" emails of contacts' own accounts (a parent's resets belong
    to the account, not to one client), in one query (none without such accounts)."""
    accounts = {
        access.user_id
        for _, contact, access in people
        if contact is not None and access is not None and access.user_id and not access.ended_at
    }
    sent: dict[int, list[datetime]] = defaultdict(list)
    if not accounts:
        return sent
    for user_id, created_at in AccessLink.objects.filter(
        user_id__in=accounts,
        access__isnull=True,
        purpose__in=CLIENT_PURPOSES,
        self_service=True,
        created_at__gt=at - SELF_SERVICE_WINDOW,
    ).values_list("user_id", "created_at"):
        sent[user_id].append(created_at)
    return sent


def statuses_for(
    practice: Practice,
    people: Sequence[tuple[Client, Contact | None, PortalAccess | None]],
    at: datetime,
    *,
    addresses: dict[int, str] | None = None,
) -> list[AccessStatus]:
    """The statuses of many people of one practice, in a constant number of queries.

    ``people``: (client, contact or None for the client themself, their current access).
    ``addresses``: the clients' default addresses when already known (saves a query).
    """
    own = [client.pk for client, contact, _ in people if contact is None]
    contacts = [contact.pk for _, contact, _ in people if contact is not None]
    links = AccessLink.objects.filter(
        Q(access__client_id__in=own, access__contact__isnull=True)
        | Q(access__contact_id__in=contacts),
        practice=practice,
        purpose__in=CLIENT_PURPOSES,
    )
    summaries = _latest_links(links, at)
    account_requests = _account_self_service(people, at)
    if addresses is None:
        addresses = dict(
            ClientEmail.objects.filter(client_id__in=own, is_default=True).values_list(
                "client_id", "address"
            )
        )
    result = []
    for client, contact, access in people:
        person = (client.pk, contact.pk if contact is not None else None)
        link = summaries.latest.get(person)
        facts = AccessFacts(
            practice=practice,
            client=client,
            contact=contact,
            link=link,
            email=summaries.emails.get(link.pk) if link else None,
            address=(contact.email if contact is not None else addresses.get(client.pk)) or "",
            sent=summaries.staff_sent[person],
            self_service_sent=(
                account_requests.get(access.user_id or 0, [])
                if contact is not None and access is not None
                else summaries.self_service_sent[person]
            ),
            at=at,
        )
        result.append(derive_status(access, facts))
    return result


# --- page reads ---------------------------------------------------------------------------


def portal_statuses(
    clients: Sequence[Client], at: datetime, *, practice: Practice | None = None
) -> dict[int, AccessStatus]:
    """The clients' own statuses (the client list), in at most five queries.

    Rows annotated with ``default_email`` (the client list's queryset) save one;
    passing the ``practice`` saves another.
    """
    if not clients:
        return {}
    practice = practice or clients[0].practice  # one practice per call: fetched once
    accesses = own_accesses([client.pk for client in clients])
    addresses = None
    if all(hasattr(client, "default_email") for client in clients):
        addresses = {c.pk: c.default_email for c in clients if c.default_email}  # type: ignore[attr-defined]
    people = [(client, None, accesses.get(client.pk)) for client in clients]
    statuses = statuses_for(practice, people, at, addresses=addresses)
    return {status.client.pk: status for status in statuses}


def portal_status(client: Client, at: datetime) -> AccessStatus:
    """The client's own status, with its last few access events (for the client page)."""
    status = portal_statuses([client], at)[client.pk]
    events = recent_access_events(client, status.account)
    return AccessStatus(**{**status.__dict__, "events": tuple(events)})


def contact_statuses(
    contacts: Sequence[Contact], at: datetime, *, practice: Practice | None = None
) -> dict[int, AccessStatus]:
    """Statuses of contacts of one practice, in four queries whatever their number."""
    if not contacts:
        return {}
    practice = practice or contacts[0].client.practice
    accesses = contact_accesses([contact.pk for contact in contacts])
    people = [(contact.client, contact, accesses.get(contact.pk)) for contact in contacts]
    statuses = statuses_for(practice, people, at, addresses={})
    return {status.contact.pk: status for status in statuses if status.contact is not None}


def contact_status(contact: Contact, at: datetime) -> AccessStatus:
    return contact_statuses([contact], at)[contact.pk]


@dataclass(frozen=True)
class PeopleAccess:
    """The People tab: whether the client's own access is on, and each contact's status."""

    own_access_on: bool
    rows: list[tuple[Contact, AccessStatus]]


def people_access(client: Client, contacts: Sequence[Contact], at: datetime) -> PeopleAccess:
    """Each of the client's ``contacts`` with their access status, and the client's own
    switch: the access rows of all of them in one query."""
    rows = PortalAccess.objects.filter(client=client, practice_id=client.practice_id).filter(
        Q(contact__isnull=True, ended_at=None) | Q(contact_id__in=[c.pk for c in contacts])
    )
    own_on, accesses = False, {}
    for access in rows.select_related("user").order_by("created_at", "id"):
        if access.contact_id is None:
            own_on = access.enabled
        else:
            accesses[access.contact_id] = access  # the latest wins
    for contact in contacts:
        contact.client = client
    people = [(contact.client, contact, accesses.get(contact.pk)) for contact in contacts]
    statuses = statuses_for(client.practice, people, at, addresses={})
    return PeopleAccess(
        own_access_on=own_on,
        rows=[(contact, status) for contact, status in zip(contacts, statuses, strict=True)],
    )
