"""Once a link leaves the URL, the session table holds its SHA-256, never the token.

Each journey is walked with a real link (invitation, password reset, staff
invitation); after the GET of the emailed link the stored session row is decoded
and searched for the raw token, then the journey is finished from that session.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client as HttpClient

from portico.access.actions import send_invite, send_password_reset
from portico.access.links import hash_token
from portico.access.queries import portal_account_for
from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import CASEY_DOB, at, by, token_of
from tests.portal.conftest import landing, register
from tests.practices.test_staff import invite_dana, token_from_email

NEW_PASSWORD = "a long unusual phrase 42"


def stored_session(http: HttpClient) -> tuple[str, dict[str, object]]:
    """The session row as the database holds it, and decoded."""
    row = Session.objects.get(session_key=http.session.session_key)
    return row.session_data, row.get_decoded()


def assert_only_the_digest_is_kept(http: HttpClient, token: str) -> None:
    raw, decoded = stored_session(http)
    assert token not in raw
    assert token not in repr(decoded)
    assert hash_token(token) in decoded.values()


def test_an_invitation_link_leaves_only_its_digest_in_the_session_and_still_registers(
    maple: Practice, casey: Client, owner: User
) -> None:
    token = token_of(send_invite(casey, by=by(owner)).link)
    http = HttpClient()
    assert http.get(at(maple, "access:welcome_link", token)).status_code == 302
    assert_only_the_digest_is_kept(http, token)

    dob = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": f"{CASEY_DOB:%m/%d/%Y}"})
    assert dob["Location"] == at(maple, "access:welcome_account")
    assert_only_the_digest_is_kept(http, token)
    done = http.post(
        at(maple, "access:welcome_account"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 302
    account = portal_account_for(casey)
    assert account is not None
    assert done["Location"] == landing(maple, account)  # the first next step, else home
    # Signed in with a fresh session that carries no link at all.
    assert not any(key.startswith("portico_link") for key in stored_session(http)[1])


def test_a_reset_link_leaves_only_its_digest_in_the_session_and_still_resets(
    maple: Practice, casey: Client, owner: User
) -> None:
    account = register(casey, owner, username="casey")
    token = token_of(send_password_reset(casey, by=by(owner)).link)
    http = HttpClient()
    assert http.get(at(maple, "portal:reset_link", token))["Location"] == at(maple, "portal:reset")
    assert_only_the_digest_is_kept(http, token)

    assert http.get(at(maple, "portal:reset")).status_code == 200
    done = http.post(
        at(maple, "portal:reset"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done["Location"] == at(maple, "portal:sign_in")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_a_staff_invitation_leaves_only_its_digest_in_the_session_and_still_signs_in(
    maple: Practice, owner: User
) -> None:
    dana = invite_dana(maple, owner)
    token = token_from_email(dana)
    http = HttpClient()
    http.get(at(maple, "accounts:staff_welcome_link", token))
    assert_only_the_digest_is_kept(http, token)
    done = http.post(
        at(maple, "accounts:staff_welcome"),
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done["Location"] == at(maple, "clients:list")


def test_a_session_holding_another_tokens_digest_opens_nothing(
    maple: Practice, casey: Client, owner: User
) -> None:
    token = token_of(send_invite(casey, by=by(owner)).link)
    http = HttpClient()
    http.get(at(maple, "access:welcome_link", token[:-2] + "xx"))
    assert http.get(at(maple, "access:welcome")).status_code != 200
