"""The documents pages cost the same number of queries for one document or many."""

from __future__ import annotations

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.actions import open_document, request_document
from portico.practices.models import Practice
from tests.cast import access_of, at, by
from tests.documents.helpers import share
from tests.top_bar import warm_top_bar


def _queries(http: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def _more(casey: Client, staff: User, account: User) -> None:
    document = share(casey, staff).document
    open_document(document, access=access_of(casey), by=by(account))
    request_document(casey, by=by(staff), title="Letter", instructions="")


def test_the_staff_page_does_not_grow_with_the_documents(
    maple: Practice,
    casey: Client,
    casey_account: User,
    front_desk: User,
    front_desk_http: HttpClient,
) -> None:
    url = at(maple, "staff_documents:client", casey.public_id)
    _more(casey, front_desk, casey_account)  # front desk may share and ask
    warm_top_bar(maple)
    one = _queries(front_desk_http, url)
    for _ in range(4):
        _more(casey, front_desk, casey_account)
    assert _queries(front_desk_http, url) == one


def test_the_portal_list_does_not_grow_with_the_documents(
    maple: Practice, casey: Client, casey_account: User, clinician: User, casey_http: HttpClient
) -> None:
    url = at(maple, "portal_documents:list")
    _more(casey, clinician, casey_account)
    casey_http.get(url)  # the first look writes the person's notice row
    one = _queries(casey_http, url)
    for _ in range(4):
        _more(casey, clinician, casey_account)
    assert _queries(casey_http, url) == one
