"""Reads for the staff client screens: one scoped lookup, the list page, the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import Http404

from portico.clients.models import Client, ClientEmail
from portico.lib.keyset import Reader, reader
from portico.practices.roles import Can, staff_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portico.accounts.models import User
    from portico.practices.models import Practice

PAGE_SIZE = 50
CURSOR_SALT = "portico.clients.list"


def get_client_for_staff(
    user: User | AnonymousUser,
    practice: Practice,
    public_id: Any,
    *,
    capability: Can = Can.VIEW_CLIENTS,
) -> Client:
    """The client with ``public_id`` in ``practice``, if ``user`` may act on it; else 404.

    Another practice's client, a portal user and a role without the capability all
    get the same 404: nothing confirms that the client exists.
    """
    if not staff_can(user, practice, capability):
        raise Http404("No such client.")
    client = Client.objects.filter(practice=practice, public_id=public_id).first()
    if client is None:
        raise Http404("No such client.")
    return client


def get_client_email_for_staff(client: Client, email_id: Any) -> ClientEmail:
    """One address of a client already looked up with ``get_client_for_staff``."""
    email = ClientEmail.objects.filter(client=client, practice_id=client.practice_id, pk=email_id)
    found = email.first()
    if found is None:
        raise Http404("No such email address.")
    return found


def client_emails(client: Client) -> list[ClientEmail]:
    """The client's addresses, the default (starred) one first."""
    return list(ClientEmail.objects.filter(client=client).order_by("-is_default", "address", "id"))


def default_email(client: Client) -> ClientEmail | None:
    return ClientEmail.objects.filter(client=client, is_default=True).first()


def age_on(date_of_birth: date, today: date) -> int:
    years = today.year - date_of_birth.year
    if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


# --- the list -----------------------------------------------------------------------------

# The list's order: last name, first name, id, compared as the database lowers them
# (SQLite's LOWER() is ASCII-only, Python's is not, so cursors keep the database's keys).
ORDER = ("last_key", "first_key", "id")


@dataclass
class ClientListPage:
    """One page of the staff client list.

    ``rows`` are Client objects annotated with ``default_email`` (str | None).
    Later code may decorate them (portal status) before rendering: the view only
    reads what is here.
    """

    rows: list[Client]
    search: str
    show_archived: bool
    next_cursor: str | None
    previous_cursor: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_first_page(self) -> bool:
        return self.previous_cursor is None


def _prefix_range(expression: str, term: str) -> Q:
    """``expression`` starts with ``term``, written as a range an index can seek.

    ``LIKE 'gar%'`` cannot use a B-tree index on PostgreSQL outside the C collation
    (nor on SQLite for an expression index), but ``>= 'gar' AND < 'gas'`` can; the
    LIKE stays as an exact check on the few rows the range returns.
    """
    upper = term[:-1] + chr(ord(term[-1]) + 1)
    return Q(**{f"{expression}__gte": term, f"{expression}__lt": upper}) & Q(
        **{f"{expression}__startswith": term}
    )


def _keyed(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.annotate(last_key=Lower("last_name"), first_key=Lower("first_name"))


def _clients(practice: Practice, *, show_archived: bool) -> QuerySet[Client]:
    clients = Client.objects.filter(practice=practice)
    if show_archived:
        return clients.filter(archived_at__isnull=False)
    return clients.filter(archived_at__isnull=True)


def _search_candidates(
    practice: Practice, term: str, *, show_archived: bool, read: Reader, limit: int
) -> QuerySet[Client, Any]:
    """The ids of at most ``limit`` matches per way of matching, each the first past the cursor.

    A client matches when their last, first or preferred name, or one of their
    addresses, starts with ``term``. The page is the first ``limit`` rows of the union
    of the four branches, so it lies within the union of each branch's first
    ``limit``: the last-name branch reads them in order from ``client_list_order``
    and stops (a prefix shared by 10 % of a large practice has thousands of
    matches, none of them sorted), the others seek their own index
    (``client_first_name_search``, ``client_preferred_search``,
    ``client_email_prefix``) and sort only their matches past the cursor.

    Each branch is wrapped in its own ``id IN (…)``: SQLite allows no LIMIT directly
    in a member of a UNION.
    """
    clients = _keyed(_clients(practice, show_archived=show_archived))
    with_address = (
        ClientEmail.objects.filter(practice=practice)
        .alias(k=Lower("address"))
        .filter(_prefix_range("k", term))
        .values("client_id")
    )
    # Without the cursor's bound on the last name, the planner seeks the branch's own
    # index instead of walking the list from the cursor and filtering (a rare first
    # name would walk to the end of the practice).
    branches = [
        read(clients.filter(_prefix_range("last_key", term))),
        read(clients.filter(_prefix_range("first_key", term)), bound=False),
        read(
            clients.alias(k=Lower("preferred_name")).filter(_prefix_range("k", term)),
            bound=False,
        ),
        # Not by practice: the addresses are, and this keeps the planner on them.
        read(
            _keyed(Client.objects.filter(pk__in=with_address)).filter(
                archived_at__isnull=not show_archived
            ),
            bound=False,
        ),
    ]
    first, *rest = (
        Client.objects.filter(pk__in=branch.values("pk")[:limit]).values("pk")
        for branch in branches
    )
    return first.union(*rest, all=True)


def _with_default_email(clients: QuerySet[Client]) -> QuerySet[Client]:
    default_address = ClientEmail.objects.filter(client=OuterRef("pk"), is_default=True)
    return clients.annotate(
        default_email=Subquery(default_address.order_by().values("address")[:1])
    )


def client_list_page(
    practice: Practice,
    *,
    search: str = "",
    show_archived: bool = False,
    cursor: str = "",
    page_size: int = PAGE_SIZE,
) -> ClientListPage:
    """A page of clients ordered by last name, first name, id, keyset-paginated.

    No COUNT and no OFFSET: a page is one indexed range scan of at most
    ``page_size + 1`` rows (index ``client_list_order``), so page 2000 of a large
    practice costs what page 1 does. A search reads at most ``page_size + 1``
    matches per way of matching (``_search_candidates``) and orders only those.
    One query per page.
    """
    read = reader(cursor, ORDER, salt=CURSOR_SALT)
    term = search.strip().lower()
    if term:
        # Only the candidates, already scoped and past the cursor: ordering at most
        # 4 × (page_size + 1) rows by id lookups, not a walk of the whole list.
        candidates = _search_candidates(
            practice, term, show_archived=show_archived, read=read, limit=page_size + 1
        )
        clients = read.ordered(_keyed(Client.objects.filter(pk__in=candidates)))
    else:
        clients = read(_keyed(_clients(practice, show_archived=show_archived)))
    fetched = list(_with_default_email(clients)[: page_size + 1])
    page = read.page(fetched, page_size)
    return ClientListPage(
        rows=page.rows,
        search=search.strip(),
        show_archived=show_archived,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
    )
