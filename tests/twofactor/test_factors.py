"""Authenticator-app codes (RFC 6238, ±1 step, each once) and recovery codes (once each)."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.twofactor.actions import add_authenticator_app, regenerate_recovery_codes
from portico.twofactor.factors import (
    STEP,
    grouped,
    matching_step,
    new_secret,
    qr_code_svg,
    use_app_code,
    use_recovery_code,
)
from portico.twofactor.methods import recovery_codes_left
from portico.twofactor.models import AuthenticatorApp, RecoveryCode
from tests.twofactor.helpers import T0, code_at, enrol

STEP_N = T0 + timedelta(seconds=10 * STEP)  # the start of some step N


def test_a_code_of_step_n_is_accepted_from_the_start_of_n_minus_1_to_the_end_of_n_plus_1() -> None:
    secret = new_secret()
    code = code_at(secret, STEP_N)
    n = int(STEP_N.timestamp()) // STEP
    first = (n - 1) * STEP
    last = (n + 2) * STEP - 0.001
    assert matching_step(secret, code, at=first) == n
    assert matching_step(secret, code, at=n * STEP + 15) == n
    assert matching_step(secret, code, at=last) == n


def test_a_code_is_refused_just_outside_the_three_steps() -> None:
    secret = new_secret()
    code = code_at(secret, STEP_N)
    n = int(STEP_N.timestamp()) // STEP
    assert matching_step(secret, code, at=(n - 1) * STEP - 0.001) is None
    assert matching_step(secret, code, at=(n + 2) * STEP) is None


def test_a_code_is_refused_when_it_is_not_six_digits() -> None:
    secret = new_secret()
    assert matching_step(secret, "12345", at=STEP_N.timestamp()) is None
    assert matching_step(secret, "abcdef", at=STEP_N.timestamp()) is None


def test_confirming_the_app_spends_its_code_and_stores_the_secret(owner: User) -> None:
    secret = new_secret()
    with time_machine.travel(STEP_N, tick=False):
        wrong = add_authenticator_app(owner, secret=secret, code="000000", by=Actor.for_user(owner))
        if code_at(secret, STEP_N) == "000000":  # one chance in a million
            return
        assert wrong is None
        assert not AuthenticatorApp.objects.filter(user=owner).exists()
        codes = add_authenticator_app(
            owner, secret=secret, code=code_at(secret, STEP_N), by=Actor.for_user(owner)
        )
        assert codes is not None and len(codes) == 10
        assert not use_app_code(owner, code_at(secret, STEP_N))  # the confirming code, again


def test_each_code_works_once_and_an_older_code_after_a_newer_one_is_refused(owner: User) -> None:
    with time_machine.travel(STEP_N, tick=False) as clock:
        secret, _codes = enrol(owner, when=STEP_N)
        clock.move_to(STEP_N + timedelta(seconds=2 * STEP))
        newer = code_at(secret, STEP_N + timedelta(seconds=2 * STEP))
        older = code_at(secret, STEP_N + timedelta(seconds=STEP))
        assert use_app_code(owner, newer)
        assert not use_app_code(owner, newer)  # reused
        assert not use_app_code(owner, older)  # still inside the window, but older


def test_two_requests_with_one_code_cannot_both_win(owner: User) -> None:
    """The conditional UPDATE: a request holding a stale copy of the app loses."""
    with time_machine.travel(STEP_N, tick=False) as clock:
        secret, _codes = enrol(owner, when=STEP_N)
        clock.move_to(STEP_N + timedelta(seconds=STEP))
        code = code_at(secret, STEP_N + timedelta(seconds=STEP))
        step = matching_step(secret, code)
        assert step is not None
        winners = [
            AuthenticatorApp.objects.filter(user=owner, last_used_step__lt=step).update(
                last_used_step=step
            )
            for _ in range(2)
        ]
        assert winners == [1, 0]
        assert not use_app_code(owner, code)


def test_recovery_codes_are_ten_stored_hashed_and_each_works_once(owner: User) -> None:
    _secret, codes = enrol(owner)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert not set(codes) & set(stored)
    assert all(len(digest) == 64 for digest in stored)
    assert use_recovery_code(owner, codes[3].upper())  # case and dashes do not matter
    assert not use_recovery_code(owner, codes[3])
    assert recovery_codes_left(owner) == 9


def test_new_recovery_codes_replace_every_earlier_one(owner: User) -> None:
    _secret, first = enrol(owner)
    second = regenerate_recovery_codes(owner, by=Actor.for_user(owner))
    assert not use_recovery_code(owner, first[0])
    assert use_recovery_code(owner, second[0])
    assert recovery_codes_left(owner) == 9


def test_the_secret_and_codes_are_never_in_the_audit_log(owner: User) -> None:
    secret, codes = enrol(owner)
    regenerate_recovery_codes(owner, by=Actor.for_user(owner))
    details = " ".join(str(e.details) for e in AuditEvent.objects.filter(practice=owner.practice))
    assert secret not in details
    assert not any(code in details for code in codes)
    assert AuditEvent.objects.filter(action="signin.app.added", subject_user=owner).exists()


def test_the_qr_code_is_an_svg_made_on_the_server_and_the_key_is_grouped(owner: User) -> None:
    secret = new_secret()
    svg = qr_code_svg(secret, user=owner)
    assert svg.startswith("<svg") and "<path" in svg
    assert grouped("ABCDEFGHIJKL") == "ABCD EFGH IJKL"
