"""What one successful sign-in writes: the session once, and a query-count guard."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.practices.models import Practice
from tests.cast import PASSWORD, at

# Measured with bench/sign_in_throughput.py (SQLite, a new browser and address): 12 before
# the session was written once (no key check, no INSERT-then-UPDATE), and 6 commits then
# against 4 now (last sign-in and the audit row commit together).
# Practice, account, last_login, audit row, session: the cache's own statements (rate-limit
# counters, back-off) depend on the backend and its state and are left out of the count.
# Two-factor sign-in added two reads: does the account have an authenticator app, a passkey
# (portico.twofactor.methods.has_second_factor, asked once per sign-in).
SIGN_IN_STATEMENTS = 7
_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _sign_in(http: HttpClient, practice: Practice) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            at(practice, "accounts:staff_sign_in"),
            {"email": "olivia@maple.test", "password": PASSWORD},
        )
    assert response.status_code == 302
    return [query["sql"] for query in queries.captured_queries], response.status_code


def test_a_sign_in_writes_its_session_in_one_insert_holding_the_signed_in_user(
    maple: Practice, owner: User
) -> None:
    http = HttpClient()
    statements, _status = _sign_in(http, maple)
    session_writes = [sql for sql in statements if '"django_session"' in sql]
    assert len(session_writes) == 1
    assert session_writes[0].startswith("INSERT")
    key = http.cookies[settings.SESSION_COOKIE_NAME].value
    data = Session.objects.get(session_key=key).get_decoded()
    assert data["_auth_user_id"] == str(owner.pk)


def test_signing_in_from_an_anonymous_session_deletes_the_old_one_and_writes_a_new_one(
    maple: Practice, owner: User
) -> None:
    http = HttpClient()
    http.get(at(maple, "accounts:staff_sign_in"))
    http.session.save()
    before = http.session.session_key
    assert Session.objects.filter(session_key=before).exists()
    _sign_in(http, maple)
    after = http.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_a_sign_in_from_a_new_browser_makes_no_more_statements_than_measured(
    maple: Practice, owner: User
) -> None:
    statements, _status = _sign_in(HttpClient(), maple)
    # Transaction control (BEGIN/COMMIT, or savepoints inside the test's transaction) aside.
    work = [
        sql
        for sql in statements
        if not sql.startswith(_TRANSACTION_CONTROL) and '"portico_cache"' not in sql
    ]
    assert len(work) <= SIGN_IN_STATEMENTS, "\n".join(work)
    assert AuditEvent.objects.filter(action="signin.succeeded", subject_user=owner).count() == 1
