"""The WebAuthn ceremonies with real key material (tests/passkeys/authenticator.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone
from webauthn.helpers import base64url_to_bytes

from portico.accounts.models import User
from portico.passkeys import api
from portico.passkeys.actions import add_passkey
from portico.passkeys.ceremony import registration_options, user_handle, verify_registration
from portico.passkeys.models import Passkey, PasskeyChallenge
from portico.practices.models import Practice
from tests.cast import by
from tests.passkeys.authenticator import SoftAuthenticator

HOST = "localhost:8000"
ORIGIN = f"http://{HOST}"


def browser(practice: Practice, session: SessionStore, *, host: str = HOST) -> Any:
    """A request from one browser (its session) to ``practice`` on ``host``."""
    request = RequestFactory().post("/", HTTP_HOST=host)
    request.session = session
    request.practice = practice  # type: ignore[attr-defined]
    return request


def enrol(user: User, key: SoftAuthenticator, *, name: str = "Laptop") -> Passkey:
    session = SessionStore()
    options = registration_options(browser(user.practice, session), user)
    credential = verify_registration(
        browser(user.practice, session), user, key.create(options, origin=ORIGIN)
    )
    assert credential is not None
    passkey = add_passkey(user, credential=credential, name=name, by=by(user))
    assert passkey is not None
    return passkey


def answer(user: User, key: SoftAuthenticator, session: SessionStore, **kwargs: Any) -> str:
    options = api.sign_in_options(browser(user.practice, session), user)
    return key.get(options, origin=kwargs.pop("origin", ORIGIN), **kwargs)


@pytest.fixture
def key() -> SoftAuthenticator:
    return SoftAuthenticator()


def test_an_enrolled_passkey_signs_its_owner_in_and_is_marked_used(
    owner: User, key: SoftAuthenticator
) -> None:
    passkey = enrol(owner, key)
    session = SessionStore()

    assert api.verify_sign_in(browser(owner.practice, session), owner, answer(owner, key, session))

    passkey.refresh_from_db()
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None
    assert passkey.rp_id == "localhost"
    assert passkey.transports == ["internal"]


def test_has_passkeys_and_the_count_follow_enrolment(owner: User, key: SoftAuthenticator) -> None:
    assert not api.has_passkeys(owner)
    enrol(owner, key)
    enrol(owner, SoftAuthenticator(), name="Phone")
    assert api.has_passkeys(owner)
    assert api.passkey_count(owner) == 2


def test_sign_in_options_name_only_the_users_own_passkeys_with_user_verification_preferred(
    owner: User, front_desk: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    enrol(front_desk, SoftAuthenticator())

    options = api.sign_in_options(browser(owner.practice, SessionStore()), owner)

    assert [c["id"] for c in options["allowCredentials"]] == [key.id]
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "preferred"


def test_registration_options_prefer_a_resident_key_and_exclude_ones_already_kept(
    owner: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    options = registration_options(browser(owner.practice, SessionStore()), owner)

    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert [c["id"] for c in options["excludeCredentials"]] == [key.id]
    assert options["rp"] == {"id": "localhost", "name": "Maple Counseling"}
    assert options["attestation"] == "none"


def test_the_same_answer_counts_only_once(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    signed = answer(owner, key, session)

    assert api.verify_sign_in(browser(owner.practice, session), owner, signed)
    assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_an_old_answer_does_not_fit_a_new_challenge(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    old = answer(owner, key, session)
    api.sign_in_options(browser(owner.practice, session), owner)  # the page shown again

    assert not api.verify_sign_in(browser(owner.practice, session), owner, old)


def test_a_challenge_is_spent_once_even_when_two_requests_hold_it(
    owner: User, key: SoftAuthenticator
) -> None:
    """Two web processes that loaded the same session before either saved it."""
    enrol(owner, key)
    session = SessionStore()
    signed = answer(owner, key, session)
    twin = SessionStore()
    twin.update(dict(session.items()))

    assert api.verify_sign_in(browser(owner.practice, session), owner, signed)
    assert not api.verify_sign_in(browser(owner.practice, twin), owner, signed)


def test_a_failed_answer_spends_the_challenge_too(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    options = api.sign_in_options(browser(owner.practice, session), owner)
    wrong = key.get(options, origin="http://elsewhere.test")
    right = key.get(options, origin=ORIGIN)

    assert not api.verify_sign_in(browser(owner.practice, session), owner, wrong)
    assert not api.verify_sign_in(browser(owner.practice, session), owner, right)


def test_a_challenge_older_than_five_minutes_is_refused(
    owner: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    session = SessionStore()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed = answer(owner, key, session)
        clock.shift(timedelta(minutes=5, seconds=1))
        assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_a_challenge_just_under_five_minutes_old_still_works(
    owner: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    session = SessionStore()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        signed = answer(owner, key, session)
        clock.shift(timedelta(minutes=4, seconds=59))
        assert api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_another_users_passkey_is_refused(
    owner: User, front_desk: User, key: SoftAuthenticator
) -> None:
    enrol(front_desk, key)
    session = SessionStore()
    options = api.sign_in_options(browser(owner.practice, session), owner)
    # Frank's key answers the challenge given to Olivia (with Olivia's user handle, even).
    signed = key.get(options, origin=ORIGIN, rp_id="localhost", user_handle=user_handle(owner))

    assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_a_passkey_of_another_practice_is_refused(
    owner: User, outsider: User, maple: Practice, key: SoftAuthenticator
) -> None:
    """Both practices on one development host (/p/<slug>/): one RP ID, still apart."""
    enrol(outsider, key)
    session = SessionStore()
    signed = answer(outsider, key, session)
    # Birch's user and key, but the request is for Maple.
    assert not api.verify_sign_in(browser(maple, session), outsider, signed)


def test_an_answer_for_another_origin_is_refused(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    signed = answer(owner, key, session, origin="https://phish.test")

    assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_an_answer_signed_for_another_rp_id_is_refused(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    signed = answer(owner, key, session, rp_id="phish.test")

    assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


def test_a_passkey_made_on_another_host_is_not_offered_or_accepted(
    owner: User, key: SoftAuthenticator, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    enrol(owner, key)  # on localhost
    session = SessionStore()
    other = "127.0.0.1:8000"
    options = api.sign_in_options(browser(owner.practice, session, host=other), owner)
    assert options["allowCredentials"] == []
    signed = key.get(options, origin=f"http://{other}", rp_id="127.0.0.1")

    assert not api.verify_sign_in(browser(owner.practice, session, host=other), owner, signed)


def test_a_cloned_key_whose_counter_went_back_is_refused(
    owner: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    session = SessionStore()
    assert api.verify_sign_in(browser(owner.practice, session), owner, answer(owner, key, session))
    key.sign_count = 0  # the clone starts from an older state: it reports 1 again

    assert not api.verify_sign_in(
        browser(owner.practice, session), owner, answer(owner, key, session)
    )


def test_an_authenticator_without_a_counter_signs_in_every_time(owner: User) -> None:
    key = SoftAuthenticator(counter_step=0)
    enrol(owner, key)
    session = SessionStore()
    for _ in range(3):
        assert api.verify_sign_in(
            browser(owner.practice, session), owner, answer(owner, key, session)
        )


def test_a_user_handle_of_someone_else_is_refused(
    owner: User, front_desk: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    session = SessionStore()
    signed = answer(owner, key, session, user_handle=user_handle(front_desk))

    assert not api.verify_sign_in(browser(owner.practice, session), owner, signed)


@pytest.mark.parametrize(
    "garbage",
    ["", "not json", "[]", "{}", '{"id": "x", "rawId": "x", "response": {}, "type": "public-key"}'],
)
def test_garbage_is_refused_without_an_error(
    owner: User, key: SoftAuthenticator, garbage: str
) -> None:
    enrol(owner, key)
    session = SessionStore()
    api.sign_in_options(browser(owner.practice, session), owner)

    assert not api.verify_sign_in(browser(owner.practice, session), owner, garbage)


def test_nothing_is_accepted_without_a_challenge_in_the_session(
    owner: User, key: SoftAuthenticator
) -> None:
    enrol(owner, key)
    signed = answer(owner, key, SessionStore())

    assert not api.verify_sign_in(browser(owner.practice, SessionStore()), owner, signed)


def test_a_challenge_given_for_one_user_does_not_serve_another(
    owner: User, front_desk: User, key: SoftAuthenticator
) -> None:
    enrol(front_desk, key)
    session = SessionStore()
    signed = answer(owner, key, session, rp_id="localhost")  # Olivia's challenge

    assert not api.verify_sign_in(browser(owner.practice, session), front_desk, signed)


def test_registration_for_another_origin_is_refused(owner: User, key: SoftAuthenticator) -> None:
    session = SessionStore()
    options = registration_options(browser(owner.practice, session), owner)
    made = key.create(options, origin="https://phish.test")

    assert verify_registration(browser(owner.practice, session), owner, made) is None


def test_a_registration_challenge_counts_only_once(owner: User, key: SoftAuthenticator) -> None:
    session = SessionStore()
    options = registration_options(browser(owner.practice, session), owner)
    made = key.create(options, origin=ORIGIN)

    assert verify_registration(browser(owner.practice, session), owner, made) is not None
    assert verify_registration(browser(owner.practice, session), owner, made) is None


def test_the_same_credential_is_kept_only_once(owner: User, key: SoftAuthenticator) -> None:
    enrol(owner, key)
    session = SessionStore()
    options = registration_options(browser(owner.practice, session), owner)
    credential = verify_registration(
        browser(owner.practice, session), owner, key.create(options, origin=ORIGIN)
    )
    assert credential is not None

    assert add_passkey(owner, credential=credential, name="Again", by=by(owner)) is None
    assert Passkey.objects.filter(user=owner).count() == 1


def test_old_challenges_are_cleared_as_new_ones_are_issued(owner: User) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            api.sign_in_options(browser(owner.practice, SessionStore()), owner)
        clock.shift(timedelta(minutes=6))
        api.sign_in_options(browser(owner.practice, SessionStore()), owner)

    assert PasskeyChallenge.objects.filter(user=owner).count() == 1


def test_forget_passkeys_removes_every_one_of_that_user_only(owner: User, front_desk: User) -> None:
    enrol(owner, SoftAuthenticator())
    enrol(owner, SoftAuthenticator(), name="Phone")
    enrol(front_desk, SoftAuthenticator())

    assert api.forget_passkeys(owner) == 2
    assert not api.has_passkeys(owner)
    assert api.has_passkeys(front_desk)


def test_each_challenge_is_256_random_bits_never_repeated(owner: User) -> None:
    """ASVS 5.0 6.7.2: a challenge nonce of at least 64 bits, statistically unique."""
    seen = {
        api.sign_in_options(browser(owner.practice, SessionStore()), owner)["challenge"]
        for _ in range(20)
    }
    assert len(seen) == 20
    assert all(len(base64url_to_bytes(challenge)) == 32 for challenge in seen)


def test_the_user_handle_is_stable_and_reveals_nothing(owner: User, front_desk: User) -> None:
    options = registration_options(browser(owner.practice, SessionStore()), owner)
    handle = base64url_to_bytes(options["user"]["id"])

    assert handle == user_handle(owner)
    assert handle != user_handle(front_desk)
    assert owner.email.encode() not in handle
