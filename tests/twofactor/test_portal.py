"""Clients and contacts: an optional authenticator app on their own account, the
second step at the portal's sign-in, and "Sign-in security" in Spanish too."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.twofactor.helpers import T0, code_at, enrol, is_signed_in, stranger


def _password(http: HttpClient, practice: Practice, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return http.post(at(practice, "portal:sign_in"), {"identifier": "casey", "password": password})


def test_a_client_with_an_app_confirms_a_code_after_the_password(
    maple: Practice, casey_account: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(casey_account, when=T0)
        clock.move_to(T0 + timedelta(seconds=60))
        http = stranger()
        response = _password(http, maple)
        assert response["Location"].endswith("/sign-in/code/")
        assert not is_signed_in(http)
        page = http.get(response["Location"]).content.decode()
        assert "Confirm it is you" in page
        signed = http.post(
            response["Location"], {"code": code_at(secret, T0 + timedelta(seconds=60))}
        )
        assert signed.status_code == 302
        assert is_signed_in(http)


def test_a_client_turns_the_app_on_and_off_on_sign_in_security(
    maple: Practice, casey_account: User
) -> None:
    http = HttpClient()
    http.force_login(casey_account)
    page = http.get(at(maple, "portal_security:security")).content.decode()
    assert "Sign-in security" in page and "Off" in page
    enrol(casey_account)
    page = http.get(at(maple, "portal_security:security")).content.decode()
    assert "10 unused recovery codes left" in page
    response = http.post(at(maple, "portal_security:remove_app"))
    assert response.status_code == 302
    page = http.get(at(maple, "portal_security:security")).content.decode()
    assert "Off" in page


def test_the_second_step_speaks_spanish(maple: Practice, casey_account: User) -> None:
    enrol(casey_account)
    http = stranger()
    response = _password(http, maple)
    page = http.get(response["Location"], HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Confirme que es usted" in page
    assert "Continuar" in page
