"""A client or contact confirms it is them before taking a sign-in method away or making
new recovery codes, when their last password check is 15 minutes old: someone who
finds a signed-in portal left open cannot quietly weaken the account."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client as HttpClient

from portico.accounts.lockout import FIRST_WAIT
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.passkeys.models import Passkey
from portico.practices.models import Practice
from portico.twofactor.flow import VERIFIED_AT
from portico.twofactor.methods import has_authenticator_app
from portico.twofactor.models import RecoveryCode
from tests.cast import PASSWORD, at
from tests.i18n.pseudo import marked_spanish, unmarked_text
from tests.passkeys.authenticator import SoftAuthenticator
from tests.passkeys.test_views import add_through_the_page
from tests.twofactor.helpers import T0, code_at, enrol

FIFTEEN = 15 * 60


def _codes(user: User) -> list[str]:
    return sorted(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))


def _checked_ago(http: HttpClient, seconds: float) -> None:
    session = http.session
    session[VERIFIED_AT] = time.time() - seconds
    session.save()


@pytest.fixture
def casey_http(maple: Practice, casey_account: User) -> HttpClient:
    Practice.objects.filter(pk=maple.pk).update(client_idle_minutes=120)
    http = HttpClient()
    http.force_login(casey_account)
    return http


Change = Callable[[HttpClient], HttpResponse]


def _changes(maple: Practice, casey_account: User, http: HttpClient) -> dict[str, Change]:
    add_through_the_page(http, maple, "portal", SoftAuthenticator())
    passkey = Passkey.objects.get(user=casey_account)
    return {
        "remove the app": lambda h: h.post(at(maple, "portal_security:remove_app")),
        "new recovery codes": lambda h: h.post(at(maple, "portal_security:regenerate_codes")),
        "remove a passkey": lambda h: h.post(
            at(maple, "passkeys:portal_remove"), {"passkey": passkey.public_id}
        ),
    }


@pytest.mark.parametrize("change", ["remove the app", "new recovery codes", "remove a passkey"])
def test_each_change_asks_for_the_password_once_the_check_is_15_minutes_old(
    change: str, maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    enrol(casey_account)
    do = _changes(maple, casey_account, casey_http)[change]
    security = at(maple, "portal_security:security")

    confirm = at(maple, "portal_security:reauthenticate")

    _checked_ago(casey_http, FIFTEEN)  # the first second after the window: asked first
    before = (has_authenticator_app(casey_account), Passkey.objects.count(), _codes(casey_account))
    response = do(casey_http)
    assert response.status_code == 302 and response["Location"].startswith(confirm)
    after = (has_authenticator_app(casey_account), Passkey.objects.count(), _codes(casey_account))
    assert after == before

    _checked_ago(casey_http, FIFTEEN - 2)  # inside the window: done at once
    response = do(casey_http)
    assert response.status_code in (200, 302)
    assert not response.get("Location", "").startswith(confirm)
    after = (has_authenticator_app(casey_account), Passkey.objects.count(), _codes(casey_account))
    assert after != before
    assert security


def test_the_app_stays_until_the_password_and_a_code_are_given(
    maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        casey_http = HttpClient()
        casey_http.force_login(casey_account)  # signed in, then turned the app on
        secret, _codes = enrol(casey_account, when=T0)
        clock.move_to(T0 + timedelta(minutes=20))
        security = at(maple, "portal_security:security")
        response = casey_http.post(
            at(maple, "portal_security:remove_app"), HTTP_REFERER="http://testserver" + security
        )
        confirm = response["Location"]
        assert confirm == at(maple, "portal_security:reauthenticate") + "?next=" + security.replace(
            "/", "%2F"
        )
        page = casey_http.get(confirm)
        assert "Confirm it is you" in page.text
        assert "with a code from your app" in page.text

        wrong = casey_http.post(confirm, {"password": "not it", "code": "000000"})
        assert wrong.status_code == 400
        assert "That password is not right." in wrong.text or "do not match" in wrong.text
        assert has_authenticator_app(casey_account)

        later = T0 + timedelta(minutes=20, seconds=30)
        clock.move_to(later)
        wrong_code = casey_http.post(confirm, {"password": PASSWORD, "code": "000000"})
        assert wrong_code.status_code == 400
        assert "That code did not work" in wrong_code.text

        right = casey_http.post(confirm, {"password": PASSWORD, "code": code_at(secret, later)})
        assert right.status_code == 302 and right["Location"] == security
        assert AuditEvent.objects.filter(
            action=Action.REAUTHENTICATED, subject_user=casey_account
        ).exists()
        assert casey_http.post(at(maple, "portal_security:remove_app")).status_code == 302
        assert not has_authenticator_app(casey_account)


def test_the_fifth_wrong_password_here_locks_the_account_like_the_sign_in_page(
    maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    confirm = at(maple, "portal_security:reauthenticate")
    with time_machine.travel(T0, tick=False):
        casey_http.force_login(casey_account)
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        for _ in range(4):
            assert casey_http.post(confirm, {"password": "not it"}).status_code == 400
        casey_account.refresh_from_db()
        assert casey_account.locked_until is None
        fifth = casey_http.post(confirm, {"password": "not it"})
        assert fifth.status_code == 400
        casey_account.refresh_from_db()
        assert casey_account.locked_until == T0 + timedelta(minutes=20) + FIRST_WAIT
        elsewhere = HttpClient().post(
            at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD}
        )
        assert "locked until" in elsewhere.text
        assert "_auth_user_id" not in elsewhere.client.session


def test_staff_cannot_use_the_portal_confirmation_page(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.get(at(maple, "portal_security:reauthenticate"))
    assert response.status_code in (302, 403, 404)
    assert "Confirm it is you" not in response.content.decode()


def test_the_confirmation_page_speaks_spanish(
    maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    casey = casey_account.portal_accesses.get().client
    assert casey is not None
    casey.language = "es"
    casey.save(update_fields=["language"])
    enrol(casey_account)
    shown = [maple.name, casey.first_name, casey.last_name, "casey"]
    confirm = at(maple, "portal_security:reauthenticate")
    with marked_spanish():
        page = casey_http.get(confirm)
        wrong = casey_http.post(confirm, {"password": "not it", "code": "123456"})
    assert page.status_code == 200 and '<html lang="es">' in page.text
    assert unmarked_text(page.text, allowed=shown) == []
    assert wrong.status_code == 400
    assert unmarked_text(wrong.text, allowed=shown) == []
