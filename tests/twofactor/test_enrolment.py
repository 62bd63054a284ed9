"""The enrolment walk: staff of a practice that requires two-step sign-in (and clients,
when the practice asks it of them) set a method up right after their password."""

from __future__ import annotations

import re

import pyotp
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.practices.models import Practice
from portico.twofactor.methods import has_second_factor, recovery_codes_left
from portico.twofactor.models import AuthenticatorApp
from tests.cast import PASSWORD, at
from tests.twofactor.helpers import (
    enrol,
    is_signed_in,
    require_staff_two_factor,
    staff_code,
    staff_password,
    stranger,
)

OWNER = "olivia@maple.test"


def _secret_on(page: str) -> str:
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert found, "the setup key is shown for typing"
    return found.group(1).replace(" ", "")


def test_new_practices_require_staff_two_step_sign_in(db: None) -> None:
    from portico.practices.actions import create_practice

    practice, _owner = create_practice(
        slug="new",
        name="New Practice",
        owner_email="n@new.test",
        owner_first_name="N",
        owner_last_name="O",
        owner_password=PASSWORD,
    )
    assert practice.require_staff_two_factor is True
    assert practice.require_client_two_factor is False


def test_staff_without_a_method_are_walked_to_enrolment_and_nowhere_else(
    maple: Practice, owner: User
) -> None:
    require_staff_two_factor(maple)
    http = stranger()
    response = staff_password(http, maple, OWNER)
    assert is_signed_in(http)
    for name in ("clients:list", "practices:settings", "audit:list", "twofactor:security"):
        page = http.get(at(maple, name) if name != "twofactor:security" else at(maple, name))
        if name == "twofactor:security":
            assert page.status_code == 200  # their own security page is part of the walk
            continue
        assert page.status_code == 302, name
        assert page["Location"].endswith("/staff/security/app/")
    walk = http.get(at(maple, "twofactor:enrol"))
    assert walk.status_code == 200
    text = walk.content.decode()
    assert "Set up two-step sign-in" in text and "<svg" in text
    secret = _secret_on(text)
    done = http.post(at(maple, "twofactor:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(re.findall(r'class="secret recovery-code"', done.content.decode())) == 10
    assert "no-store" in done["Cache-Control"]
    assert http.get(at(maple, "clients:list")).status_code == 200
    assert has_second_factor(owner) and recovery_codes_left(owner) == 10
    assert response.status_code == 302


def test_signing_out_works_during_the_walk(maple: Practice, owner: User) -> None:
    require_staff_two_factor(maple)
    http = stranger()
    staff_password(http, maple, OWNER)
    response = http.post(at(maple, "accounts:staff_sign_out"))
    assert response.status_code == 302 and response["Location"].endswith("/staff/sign-in/")
    assert not is_signed_in(http)


def test_a_wrong_enrolment_code_stores_nothing(maple: Practice, owner: User) -> None:
    http = HttpClient()
    http.force_login(owner)
    page = http.get(at(maple, "twofactor:enrol")).content.decode()
    secret = _secret_on(page)
    right = pyotp.TOTP(secret).now()
    response = http.post(
        at(maple, "twofactor:enrol"), {"code": "999999" if right != "999999" else "111111"}
    )
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not AuthenticatorApp.objects.filter(user=owner).exists()
    # Reloading keeps the same key, so the app already set up still matches.
    assert _secret_on(http.get(at(maple, "twofactor:enrol")).content.decode()) == secret


def test_staff_with_a_method_are_not_walked_again(maple: Practice, owner: User) -> None:
    require_staff_two_factor(maple)
    _secret, codes = enrol(owner)
    http = stranger()
    staff_password(http, maple, OWNER)
    staff_code(http, maple, codes[0])
    assert http.get(at(maple, "clients:list")).status_code == 200


def test_a_practice_without_the_requirement_lets_staff_in_with_a_password(
    maple: Practice, owner: User
) -> None:
    http = stranger()
    staff_password(http, maple, OWNER)
    assert http.get(at(maple, "clients:list")).status_code == 200


def test_clients_are_walked_to_enrolment_when_the_practice_requires_it(
    maple: Practice, casey_account: User
) -> None:
    Practice.objects.filter(pk=maple.pk).update(require_client_two_factor=True)
    http = stranger()
    response = http.post(at(maple, "portal:sign_in"), {"identifier": "casey", "password": PASSWORD})
    assert response.status_code == 302
    home = http.get(at(maple, "portal:home"))
    assert home.status_code == 302 and home["Location"].endswith("/security/app/")
    page = http.get(home["Location"]).content.decode()
    secret = _secret_on(page)
    done = http.post(at(maple, "portal_security:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert http.get(at(maple, "portal:home")).status_code == 200
