"""Reads for the staff client screens: one scoped lookup, the list page, the history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import Http404

from portico.clients.models import Client, ClientEmail
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


def _encode_cursor(client: Client, direction: str) -> str:
    # The keys as the database lowered them (SQLite's LOWER() is ASCII-only, Python's
    # is not): the cursor must compare exactly like the ORDER BY.
    key = [client.last_key, client.first_key, client.pk]  # type: ignore[attr-defined]
    return signing.dumps({"d": direction, "k": key}, salt=CURSOR_SALT, compress=True)


def _decode_cursor(cursor: str) -> tuple[str, tuple[str, str, int]] | None:
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        direction, (last, first, pk) = data["d"], data["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if direction not in ("after", "before"):
        return None
    return direction, (str(last), str(first), int(pk))


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


def _prefix_match(practice: Practice, term: str) -> Q:
    """Clients whose first, last or preferred name, or one of whose addresses, starts with ``term``.

    Each branch matches one index (client_list_order, client_first_name_search,
    client_preferred_search, client_email_prefix), so a rare term does not walk
    the whole practice.
    """
    with_email = (
        ClientEmail.objects.filter(practice=practice)
        .alias(k=Lower("address"))
        .filter(_prefix_range("k", term))
    )
    return (
        Q(
            pk__in=Client.objects.filter(practice=practice)
            .alias(k=Lower("last_name"))
            .filter(_prefix_range("k", term))
            .values("pk")
        )
        | Q(
            pk__in=Client.objects.filter(practice=practice)
            .alias(k=Lower("first_name"))
            .filter(_prefix_range("k", term))
            .values("pk")
        )
        | Q(
            pk__in=Client.objects.filter(practice=practice)
            .alias(k=Lower("preferred_name"))
            .filter(_prefix_range("k", term))
            .values("pk")
        )
        | Q(pk__in=with_email.values("client_id"))
    )


def client_list_queryset(
    practice: Practice, *, search: str = "", show_archived: bool = False
) -> QuerySet[Client]:
    clients = Client.objects.filter(practice=practice)
    clients = (
        clients.filter(archived_at__isnull=False)
        if show_archived
        else clients.filter(archived_at__isnull=True)
    )
    term = search.strip().lower()
    if term:
        clients = clients.filter(_prefix_match(practice, term))
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

    No COUNT and no OFFSET: each page is one indexed range scan of at most
    ``page_size + 1`` rows (index ``client_list_order``), so page 2000 of a large
    practice costs what page 1 does. One query per page.
    """
    clients = client_list_queryset(practice, search=search, show_archived=show_archived).annotate(
        last_key=Lower("last_name"), first_key=Lower("first_name")
    )
    decoded = _decode_cursor(cursor) if cursor else None
    ascending = ("last_key", "first_key", "id")
    descending = ("-last_key", "-first_key", "-id")

    if decoded is None:
        rows = list(clients.order_by(*ascending)[: page_size + 1])
        has_more, rows = len(rows) > page_size, rows[:page_size]
        has_next, has_previous = has_more, False
    else:
        direction, (last, first, pk) = decoded
        # (last, first, id) > cursor, written so both SQLite and PostgreSQL seek the
        # index to the cursor's last name (the >=/<= bound) and only filter the few
        # rows that share it: a row-value comparison on expressions is not seekable
        # on SQLite.
        if direction == "after":
            after = (
                Q(last_key__gt=last)
                | Q(last_key=last, first_key__gt=first)
                | Q(last_key=last, first_key=first, id__gt=pk)
            )
            page = clients.filter(Q(last_key__gte=last) & after).order_by(*ascending)
            rows = list(page[: page_size + 1])
            has_next, rows = len(rows) > page_size, rows[:page_size]
            has_previous = True
        else:
            before = (
                Q(last_key__lt=last)
                | Q(last_key=last, first_key__lt=first)
                | Q(last_key=last, first_key=first, id__lt=pk)
            )
            page = clients.filter(Q(last_key__lte=last) & before).order_by(*descending)
            rows = list(page[: page_size + 1])
            has_previous, rows = len(rows) > page_size, rows[:page_size][::-1]
            has_next = True
    return ClientListPage(
        rows=list[Client](rows),
        search=search.strip(),
        show_archived=show_archived,
        next_cursor=_encode_cursor(rows[-1], "after") if rows and has_next else None,
        previous_cursor=_encode_cursor(rows[0], "before") if rows and has_previous else None,
    )
