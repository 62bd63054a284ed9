"""Sessions end after the idle limit (staff 15 min, clients 30 min) and after 12 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client as HttpClient

from portico.accounts.models import User, UserKind
from portico.practices.models import Practice
from tests.cast import at

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


def signed_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def is_signed_in(http: HttpClient) -> bool:
    return "_auth_user_id" in http.session


def portal_user(practice: Practice) -> User:
    user = User(practice=practice, kind=UserKind.PORTAL, username="casey", email="c@example.com")
    user.set_unusable_password()
    user.save()
    return user


def test_staff_are_signed_out_after_15_idle_minutes_and_told_why(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        http = signed_in(owner)
        clock.move_to(T0 + timedelta(minutes=15))
        assert http.get(at(maple, "practices:settings")).status_code == 200
        clock.move_to(T0 + timedelta(minutes=30, seconds=1))
        response = http.get(at(maple, "practices:settings"))
        assert response.status_code == 302
        assert "/staff/sign-in/" in response["Location"]
        page = http.get(response["Location"]).content.decode()
    assert "signed out after 15 minutes without activity" in page


def test_activity_keeps_a_staff_session_alive(maple: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        http = signed_in(owner)
        for minute in (10, 20, 30, 40):
            clock.move_to(T0 + timedelta(minutes=minute))
            assert http.get(at(maple, "practices:settings")).status_code == 200


def test_the_staff_idle_limit_follows_the_practice_setting(maple: Practice, owner: User) -> None:
    maple.staff_idle_minutes = 5
    maple.save(update_fields=["staff_idle_minutes"])
    with time_machine.travel(T0, tick=False) as clock:
        http = signed_in(owner)
        clock.move_to(T0 + timedelta(minutes=5))
        assert http.get(at(maple, "practices:settings")).status_code == 200
        clock.move_to(T0 + timedelta(minutes=10, seconds=1))
        assert http.get(at(maple, "practices:settings")).status_code == 302


def test_clients_are_signed_out_after_30_idle_minutes_not_15(maple: Practice) -> None:
    client = portal_user(maple)
    with time_machine.travel(T0, tick=False) as clock:
        http = signed_in(client)
        clock.move_to(T0 + timedelta(minutes=30))
        http.get(at(maple, "accounts:staff_sign_in"))
        assert is_signed_in(http)
        clock.move_to(T0 + timedelta(minutes=60, seconds=1))
        http.get(at(maple, "accounts:staff_sign_in"))
        assert not is_signed_in(http)


def test_every_session_ends_12_hours_after_sign_in_however_active(
    maple: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        http = signed_in(owner)
        for minute in range(10, 12 * 60 + 1, 10):
            clock.move_to(T0 + timedelta(minutes=minute))
            assert http.get(at(maple, "practices:settings")).status_code == 200, minute
        clock.move_to(T0 + timedelta(hours=12, seconds=1))
        response = http.get(at(maple, "practices:settings"))
        assert response.status_code == 302
        assert "after 12 hours" in http.get(response["Location"]).content.decode()


def test_a_session_only_counts_in_its_own_practice(
    maple: Practice, birch: Practice, outsider: User
) -> None:
    http = signed_in(outsider)
    response = http.get(at(maple, "practices:settings"))
    assert response.status_code == 302
    assert "/p/maple/staff/sign-in/" in response["Location"]
    assert http.get(at(birch, "practices:settings")).status_code == 200
