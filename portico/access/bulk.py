"""Invite everyone not yet invited: thousands of clients, in the background, in chunks.

The staff request only writes a ``BulkInvite`` row and enqueues ``run_bulk_invite``
(in the same transaction: django-tasks-db keeps the task row in our database).
The task takes the eligible clients and invites them ``CHUNK`` at a time; each
chunk is one transaction that locks its client rows, checks each client again
(someone may have sent an invitation by hand meanwhile), then writes the links,
the emails and the audit events with one INSERT each, and moves the counters.

Every invitation is the one ``send_access_link`` sends: the same link (32 random
bytes, only the SHA-256 kept, the practice's invite lifetime, on the client's own
access row), the same email byte for byte (``link_email_context``, rendered once per
chunk with the name and token filled in per client: ``render_filled``), the same audit
action and details (``sent_audit_details``). Running the task twice, or two
bulk invites one after the other, sends nobody a second invitation: a client
with a live link is not eligible.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from portico.access.limits import SEND_LIMIT, SEND_WINDOW
from portico.access.links import CLIENT_PURPOSES, TOKEN_BYTES, hash_token, is_live, live_links
from portico.access.models import (
    AccessLink,
    BulkInvite,
    BulkInviteStatus,
    LinkPurpose,
    PortalAccess,
)
from portico.access.sending import link_email_context, sent_action, sent_audit_details
from portico.audit.actor import Actor
from portico.audit.record import Entry, record, record_many
from portico.audit.vocabulary import Action
from portico.clients.models import Client, ClientEmail
from portico.mail.models import EmailKind
from portico.mail.outbox import EmailToQueue, queue_emails
from portico.mail.rendering import Hole, RenderedEmail, render_filled
from portico.portal.language import access_language
from portico.practices.models import Practice
from portico.practices.roles import Can, staff_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrPromise

    from portico.accounts.models import User

CHUNK = 500
UNFINISHED = (BulkInviteStatus.QUEUED, BulkInviteStatus.RUNNING)

# Why a current (not archived) client is left out, in the order they are checked.
SKIP_REASONS: dict[str, StrPromise] = {
    "access_off": pgettext_lazy("staff", "portal access is turned off"),
    "no_email": pgettext_lazy("staff", "no email address"),
    "has_account": pgettext_lazy("staff", "already has a portal account"),
    "invited": pgettext_lazy("staff", "already has an invitation or reset link that still works"),
    "limit": pgettext_lazy(
        "staff", "already sent %(limit)d emails in the last 24 hours (the most allowed)"
    ),
}


def skip_reason(reason: str) -> str:
    """A reason of ``SKIP_REASONS`` in words for staff (an unknown one as it is)."""
    words = SKIP_REASONS.get(reason)
    return str(words) % {"limit": SEND_LIMIT} if words is not None else reason


# --- reads --------------------------------------------------------------------------------


def _clients_with_facts(practice: Practice, at: datetime) -> QuerySet[Client]:
    """The practice's current clients, each with what decides whether to invite them."""
    own_links = AccessLink.objects.filter(
        access__client=OuterRef("pk"), access__contact__isnull=True, purpose__in=CLIENT_PURPOSES
    )
    # The staff allowance only: "Forgot password?" emails have their own budget.
    recent = (
        own_links.filter(created_at__gt=at - SEND_WINDOW, self_service=False)
        .order_by()
        .values("access__client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    address = ClientEmail.objects.filter(client=OuterRef("pk"), is_default=True).order_by()
    own = PortalAccess.objects.filter(client=OuterRef("pk"), contact__isnull=True, ended_at=None)
    return Client.objects.filter(practice=practice, archived_at__isnull=True).annotate(
        access_on=Exists(own.filter(enabled=True)),
        invite_address=Subquery(address.values("address")[:1]),
        has_account=Exists(own.filter(user__isnull=False)),
        has_live_link=Exists(live_links(own_links, at)),
        recent_sends=Coalesce(Subquery(recent), Value(0)),
    )


def _eligible() -> Q:
    return Q(
        access_on=True,
        invite_address__isnull=False,
        has_account=False,
        has_live_link=False,
        recent_sends__lt=SEND_LIMIT,
    )


def eligible_clients(
    practice: Practice, at: datetime | None = None, only: Q | None = None
) -> QuerySet[Client]:
    """Clients a bulk invite would email now: current, access on, an address, no account,
    no live link, under the resend limit."""
    return _clients_with_facts(practice, at or timezone.now()).filter(only or Q(), _eligible())


def eligible_count(practice: Practice) -> int:
    """One COUNT query (the client list's button)."""
    return eligible_clients(practice).count()


@dataclass(frozen=True)
class BulkInvitePlan:
    """What "Invite everyone not yet invited" would do now, for the confirm page."""

    eligible: int
    skipped: dict[str, int]  # reason -> how many, only reasons that apply

    @property
    def skipped_lines(self) -> list[tuple[str, int]]:
        return [(skip_reason(reason), count) for reason, count in self.skipped.items()]


def plan_bulk_invite(
    practice: Practice, at: datetime | None = None, only: Q | None = None
) -> BulkInvitePlan:
    """Who would be emailed and who left out (each client under its first reason): one query."""
    off = Q(access_on=False)
    no_email = ~off & Q(invite_address__isnull=True)
    account = ~off & ~no_email & Q(has_account=True)
    invited = ~off & ~no_email & ~account & Q(has_live_link=True)
    limit = ~off & ~no_email & ~account & ~invited & Q(recent_sends__gte=SEND_LIMIT)
    counts = (
        _clients_with_facts(practice, at or timezone.now())
        .filter(only or Q())
        .aggregate(
            n_eligible=Count("pk", filter=_eligible()),
            n_access_off=Count("pk", filter=off),
            n_no_email=Count("pk", filter=no_email),
            n_has_account=Count("pk", filter=account),
            n_invited=Count("pk", filter=invited),
            n_limit=Count("pk", filter=limit),
        )
    )
    skipped = {reason: counts[f"n_{reason}"] for reason in SKIP_REASONS if counts[f"n_{reason}"]}
    return BulkInvitePlan(eligible=counts["n_eligible"], skipped=skipped)


def _plan_with_ids(
    practice: Practice, at: datetime, only: Q | None = None
) -> tuple[BulkInvitePlan, list[int]]:
    """``plan_bulk_invite`` and the eligible clients' ids in id order, for the task.

    The same rules, read as the chunks read them (``_facts``: one plain indexed query
    per fact for the whole practice) and each client put under its first reason in
    the order of ``plan_bulk_invite``. PostgreSQL planned the correlated version as a
    scan of the practice's links per client: seconds at 10 000 clients.
    """
    clients = Client.objects.filter(practice=practice, archived_at__isnull=True)
    ids = list(clients.filter(only or Q()).order_by("pk").values_list("pk", flat=True))
    facts = _practice_facts(practice, at)
    access_on = set(
        PortalAccess.objects.filter(
            practice=practice, contact__isnull=True, ended_at=None, enabled=True
        ).values_list("client_id", flat=True)
    )
    eligible: list[int] = []
    skipped: Counter[str] = Counter()
    for pk in ids:
        reason = "access_off" if pk not in access_on else facts.reason(pk)
        if reason:
            skipped[reason] += 1
        else:
            eligible.append(pk)
    in_order = {why: skipped[why] for why in SKIP_REASONS if skipped[why]}
    return BulkInvitePlan(eligible=len(eligible), skipped=in_order), eligible


def unfinished_bulk_invite(practice: Practice) -> BulkInvite | None:
    return (
        BulkInvite.objects.filter(practice=practice, status__in=UNFINISHED)
        .order_by("-created_at")
        .first()
    )


def get_bulk_invite_for_staff(
    user: User | AnonymousUser, practice: Practice, public_id: Any
) -> BulkInvite:
    """The bulk invite ``public_id`` of ``practice`` for staff who may send invites; else 404."""
    if not staff_can(user, practice, Can.SEND_INVITES):
        raise Http404("No such bulk invitation.")
    bulk = BulkInvite.objects.filter(practice=practice, public_id=public_id).first()
    if bulk is None:
        raise Http404("No such bulk invitation.")
    return bulk


# --- writes -------------------------------------------------------------------------------


@transaction.atomic
def start_bulk_invite(practice: Practice, *, by: Actor) -> BulkInvite:
    """Queue "Invite everyone not yet invited"; returns the one already under way, if any.

    Only writes a row and enqueues the task: the request stays fast at any size.
    """
    # One at a time per practice: a double click or two staff members get the same one.
    Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").first()
    running = unfinished_bulk_invite(practice)
    if running is not None:
        return running
    bulk = BulkInvite.objects.create(
        practice=practice, created_by=by.user, created_at=timezone.now()
    )
    record(
        Action.BULK_INVITE_STARTED,
        practice=practice,
        actor=by,
        details={"bulk_invite": str(bulk.public_id)},
    )
    run_bulk_invite.enqueue(bulk.pk)
    return bulk


@task()
def run_bulk_invite(bulk_id: int) -> str:
    """Invite the eligible clients of one bulk invite (safe to run again)."""
    return process_bulk_invite(bulk_id)


def _only(bulk: BulkInvite) -> Q | None:
    """ "Invite everyone imported" (portico.imports) reaches that import's clients only;
    "Resend all expired invitations" (portico.problems) the clients it listed."""
    source = getattr(bulk, "client_import", None)
    if source is not None:
        return Q(pk__in=source.rows.values("client_id"))
    resend = getattr(bulk, "expired_resend", None)
    return None if resend is None else Q(pk__in=resend.clients.values("pk"))


def process_bulk_invite(bulk_id: int) -> str:
    bulk = BulkInvite.objects.select_related("practice", "created_by").get(pk=bulk_id)
    if bulk.is_finished:
        return f"bulk invite {bulk.public_id} had already finished"
    practice = bulk.practice
    by = Actor.for_user(bulk.created_by) if bulk.created_by else Actor.system()
    at = timezone.now()
    only = _only(bulk)
    try:
        plan, ids = _plan_with_ids(practice, at, only)
        # Resuming after a crash: what was already done stays counted.
        BulkInvite.objects.filter(pk=bulk.pk).update(
            status=BulkInviteStatus.RUNNING,
            started_at=Coalesce(F("started_at"), Value(at)),
            total=F("sent") + F("skipped") + len(ids),
            not_eligible=plan.skipped,
        )
        for start in range(0, len(ids), CHUNK):
            _invite_chunk(bulk, ids[start : start + CHUNK], by=by)
    except Exception as error:
        BulkInvite.objects.filter(pk=bulk.pk).update(
            status=BulkInviteStatus.FAILED,
            finished_at=timezone.now(),
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        raise
    bulk.refresh_from_db()
    BulkInvite.objects.filter(pk=bulk.pk).update(
        status=BulkInviteStatus.DONE, finished_at=timezone.now()
    )
    record(
        Action.BULK_INVITE_FINISHED,
        practice=practice,
        actor=by,
        details={
            "bulk_invite": str(bulk.public_id),
            "sent": bulk.sent,
            "skipped": bulk.skipped,
        },
    )
    return f"bulk invite {bulk.public_id}: {bulk.sent} sent, {bulk.skipped} skipped"


# A bulk invite of 100 000 clients takes a few minutes; one untouched for this long
# lost its worker. Resuming is safe even if it was not: each chunk re-checks its
# clients under lock, so nobody is invited twice.
STALLED_AFTER = timedelta(minutes=15)


def resume_stalled_bulk_invites(at: datetime | None = None) -> int:
    """Enqueue again the bulk invites whose worker died (for ``manage.py periodic``)."""
    at = at or timezone.now()
    stalled = BulkInvite.objects.filter(
        status__in=(BulkInviteStatus.QUEUED, BulkInviteStatus.RUNNING),
        finished_at__isnull=True,
        created_at__lt=at - STALLED_AFTER,
    ).values_list("pk", flat=True)
    resumed = 0
    for bulk_id in stalled:
        run_bulk_invite.enqueue(bulk_id)
        resumed += 1
    return resumed


@transaction.atomic
def _invite_chunk(bulk: BulkInvite, ids: list[int], *, by: Actor) -> None:
    practice = bulk.practice
    at = timezone.now()
    # The lock send_access_link takes, for the whole chunk (in id order): a client
    # being invited by hand right now is checked again after that send commits.
    accesses = list(
        PortalAccess.objects.select_for_update(of=("self",))
        .select_related("client")  # read with the lock; the client rows are not locked
        .filter(client_id__in=ids, contact__isnull=True, ended_at=None, enabled=True)
        .filter(client__archived_at__isnull=True)
        .order_by("pk")
    )
    facts = _chunk_facts(ids, at)
    chosen = [access for access in accesses if facts.eligible(access.client_id)]
    for access in chosen:
        access.client.practice = practice  # the email context reads it: no query per client
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in chosen]
    links = AccessLink.objects.bulk_create(
        AccessLink(
            practice=practice,
            purpose=LinkPurpose.CLIENT_INVITE,
            access=access,
            email=facts.addresses[access.client_id],
            token_hash=hash_token(token),
            created_at=at,
            created_by=bulk.created_by,
            expires_at=at + practice.invite_lifetime,
        )
        for access, token in zip(chosen, tokens, strict=True)
    )
    queue_emails(
        practice=practice,
        kind=EmailKind.INVITE,
        emails=[
            EmailToQueue(to=link.email, context={}, client=access.client, link=link)
            for access, link in zip(chosen, links, strict=True)
        ],
        rendered=_render_invites(chosen, tokens, links),
    )
    _audit_chunk(bulk, chosen, links, facts, by=by)
    BulkInvite.objects.filter(pk=bulk.pk).update(
        sent=F("sent") + len(chosen), skipped=F("skipped") + len(ids) - len(chosen)
    )


def _render_invites(
    chosen: list[PortalAccess], tokens: list[str], links: list[AccessLink]
) -> list[RenderedEmail]:
    """The invitation ``send_access_link`` would write for each, rendered once per chunk.

    Within a chunk only the greeting name and the token differ (every link has the
    same practice, purpose and expiry), so the template is rendered once with
    markers for those two and each email fills them in (``render_filled``).
    """
    if not chosen:
        return []
    # One rendering per language in the chunk: each client reads theirs.
    by_language: dict[str, list[int]] = {}
    for index, access in enumerate(chosen):
        by_language.setdefault(access_language(access), []).append(index)
    rendered: list[RenderedEmail | None] = [None] * len(chosen)
    for language, indexes in by_language.items():
        name, token = Hole.new(), Hole.new(in_url=True)
        context = link_email_context(chosen[indexes[0]], token.marker, links[indexes[0]])
        context["greeting_name"] = name.marker
        emails = render_filled(
            chosen[0].client.practice,
            EmailKind.INVITE,
            context,
            holes=[name, token],
            fills=[
                # The client's own access only (the chunk's lock takes no contact's row).
                [chosen[i].client.greeting_name, tokens[i]]
                for i in indexes
            ],
            language=language,
        )
        for i, email in zip(indexes, emails, strict=True):
            rendered[i] = email
    return [email for email in rendered if email is not None]


def _audit_chunk(
    bulk: BulkInvite,
    chosen: list[PortalAccess],
    links: list[AccessLink],
    facts: _ChunkFacts,
    *,
    by: Actor,
) -> None:
    for resent in (False, True):
        record_many(
            sent_action(LinkPurpose.CLIENT_INVITE, resent=resent),
            practice=bulk.practice,
            actor=by,
            entries=[
                Entry(
                    access.client,
                    sent_audit_details(
                        access, link, SEND_LIMIT - facts.recent[access.client_id] - 1
                    )
                    | {"bulk_invite": str(bulk.public_id)},
                )
                for access, link in zip(chosen, links, strict=True)
                if (access.client_id in facts.earlier) == resent
            ],
        )


@dataclass(frozen=True)
class _ChunkFacts:
    """``_eligible()`` for one chunk (or a whole practice), read with plain indexed queries.

    The same rules as the SQL above: inside a run PostgreSQL's statistics lag
    behind the thousands of new links, and the correlated version of this query
    was planned as a scan of every new link per client.
    """

    addresses: dict[int, str]
    accounts: set[int]
    live: set[int]
    recent: Counter[int]
    earlier: set[int]

    def eligible(self, client_id: int) -> bool:
        return not self.reason(client_id)

    def reason(self, client_id: int) -> str:
        """The first of ``SKIP_REASONS`` after "access_off" that applies, or ""."""
        if client_id not in self.addresses:
            return "no_email"
        if client_id in self.accounts:
            return "has_account"
        if client_id in self.live:
            return "invited"
        return "limit" if self.recent[client_id] >= SEND_LIMIT else ""


def _chunk_facts(ids: list[int], at: datetime) -> _ChunkFacts:
    """The facts of one chunk in three queries: its own access rows, their links, addresses.

    The links are read by access id and sorted out here (``is_live``, the staff sends
    of the last 24 hours): joined to the access rows instead, PostgreSQL (its
    statistics behind the links the run writes) scanned every invite and reset link
    of every practice, three times a chunk.
    """
    accesses = PortalAccess.objects.filter(client_id__in=ids, contact__isnull=True)
    client_of, accounts = {}, set()
    for pk, client_id, ended_at, user_id in accesses.values_list(
        "pk", "client_id", "ended_at", "user_id"
    ):
        client_of[pk] = client_id
        if ended_at is None and user_id is not None:
            accounts.add(client_id)
    links = AccessLink.objects.filter(
        access_id__in=list(client_of), purpose__in=CLIENT_PURPOSES
    ).only("access_id", "created_at", "self_service", "used_at", "revoked_at", "expires_at")
    live: set[int] = set()
    recent: Counter[int] = Counter()
    earlier: set[int] = set()
    for link in links:
        client_id = client_of[link.access_id or 0]
        earlier.add(client_id)
        if is_live(link, at):
            live.add(client_id)
        if link.created_at > at - SEND_WINDOW and not link.self_service:
            recent[client_id] += 1  # the staff allowance only, as in _clients_with_facts
    emails = ClientEmail.objects.filter(client_id__in=ids, is_default=True)
    return _ChunkFacts(
        addresses=dict(emails.values_list("client_id", "address")),
        accounts=accounts,
        live=live,
        recent=recent,
        earlier=earlier,
    )


def _practice_facts(practice: Practice, at: datetime) -> _ChunkFacts:
    """The same facts for every client of the practice, one query each (once a run)."""
    own = AccessLink.objects.filter(
        access__client__practice=practice,
        access__contact__isnull=True,
        purpose__in=CLIENT_PURPOSES,
    )
    accounts = PortalAccess.objects.filter(
        client__practice=practice, contact__isnull=True, ended_at=None, user__isnull=False
    )
    emails = ClientEmail.objects.filter(client__practice=practice, is_default=True)
    by_client = "access__client_id"
    staff = own.filter(created_at__gt=at - SEND_WINDOW, self_service=False)
    return _ChunkFacts(
        addresses=dict(emails.values_list("client_id", "address")),
        accounts=set(accounts.values_list("client_id", flat=True)),
        live=set(live_links(own, at).values_list(by_client, flat=True)),
        recent=Counter(staff.values_list(by_client, flat=True)),
        earlier=set(own.order_by().values_list(by_client, flat=True).distinct()),
    )
