"""Sensitive staff actions ask "Confirm it's you" when the last password (and second
factor) check of the session is 15 minutes old or more: refused, confirmed, allowed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.api.keys import create_api_key
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.practices.test_settings import good_data
from tests.twofactor.helpers import T0, code_at, enrol, staff_code, staff_password

FIFTEEN = timedelta(minutes=15)


@pytest.fixture
def maple_awake(maple: Practice) -> Practice:
    """A long idle limit, so the session outlives the 15 minutes being tested."""
    Practice.objects.filter(pk=maple.pk).update(staff_idle_minutes=120)
    maple.staff_idle_minutes = 120
    return maple


Request = Callable[[HttpClient], HttpResponse]


def _actions(maple: Practice, owner: User, front_desk: User, casey: Client) -> dict[str, Request]:
    key = create_api_key(maple, by=Actor.for_user(owner), name="EHR", role="read_only").key
    return {
        "practice settings": lambda h: h.post(
            at(maple, "practices:settings"), good_data(maple, require_staff_two_factor="")
        ),
        "branding": lambda h: h.post(
            at(maple, "practices:branding"), {"step": "accent", "accent_colour": "#225588"}
        ),
        "staff role": lambda h: h.post(
            at(maple, "practices:change_role", front_desk.pk),
            {f"m{front_desk.pk}-role": "clinician"},
        ),
        "deactivate staff": lambda h: h.post(
            at(maple, "practices:deactivate_staff", front_desk.pk)
        ),
        "create API key": lambda h: h.post(
            at(maple, "api:create_key"), {"name": "Sync", "role": "read_only"}
        ),
        "revoke API key": lambda h: h.post(at(maple, "api:revoke_key", key.public_id)),
        "access-history export": lambda h: h.get(at(maple, "audit:export")),
        "temporary password": lambda h: h.post(
            at(maple, "access:temporary_password", casey.public_id), {"password": ""}
        ),
    }


def _signed_in_with_app(practice: Practice, user: User, secret: str) -> HttpClient:
    """A real sign-in: password, then the app's code of now."""
    from django.utils import timezone

    http = HttpClient()
    staff_password(http, practice, user.email)
    assert staff_code(http, practice, code_at(secret, timezone.now())).status_code == 302
    return http


def _asks_to_confirm(response: Any) -> bool:
    return response.status_code == 302 and "/staff/confirm/?next=" in response["Location"]


@pytest.mark.parametrize(
    "action",
    [
        "practice settings",
        "branding",
        "staff role",
        "deactivate staff",
        "create API key",
        "revoke API key",
        "access-history export",
        "temporary password",
    ],
)
def test_a_sensitive_action_is_refused_then_confirmed_then_allowed(
    action: str, maple_awake: Practice, owner: User, front_desk: User, casey: Client
) -> None:
    maple = maple_awake
    act = _actions(maple, owner, front_desk, casey)[action]
    with time_machine.travel(T0, tick=False) as clock:
        http = HttpClient()
        http.force_login(owner)
        clock.move_to(T0 + FIFTEEN)
        refused = act(http)
        assert _asks_to_confirm(refused), action
        confirm = http.get(refused["Location"])
        assert confirm.status_code == 200
        assert "Confirm it is you" in confirm.content.decode()
        next_url = refused["Location"].split("next=", 1)[1]
        done = http.post(
            at(maple, "twofactor:reauthenticate"),
            {"password": PASSWORD, "next": next_url.replace("%2F", "/")},
        )
        assert done.status_code == 302
        allowed = act(http)
        assert not _asks_to_confirm(allowed), action
        assert allowed.status_code in (200, 302, 400), action  # the view itself answered
    assert AuditEvent.objects.filter(action="signin.reauthenticated", subject_user=owner).exists()


def test_at_14_59_nothing_is_asked_and_at_15_00_it_is(maple_awake: Practice, owner: User) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        http = HttpClient()
        http.force_login(owner)
        clock.move_to(T0 + FIFTEEN - timedelta(seconds=1))
        assert http.get(at(maple_awake, "audit:export")).status_code == 200
        clock.move_to(T0 + FIFTEEN)
        assert _asks_to_confirm(http.get(at(maple_awake, "audit:export")))


def test_turning_the_staff_requirement_off_needs_a_fresh_confirmation(
    maple_awake: Practice, owner: User
) -> None:
    Practice.objects.filter(pk=maple_awake.pk).update(require_staff_two_factor=True)
    with time_machine.travel(T0, tick=False) as clock:
        http = HttpClient()
        http.force_login(owner)  # (a test shortcut: counts as a full sign-in)
        http.session  # noqa: B018
        clock.move_to(T0 + FIFTEEN)
        data = good_data(maple_awake)  # the requirement's box left unticked: off
        assert _asks_to_confirm(http.post(at(maple_awake, "practices:settings"), data))
        maple_awake.refresh_from_db()
        assert maple_awake.require_staff_two_factor is True


def test_an_account_with_an_app_confirms_with_password_and_code(
    maple_awake: Practice, owner: User
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        secret, _codes = enrol(owner, when=T0)
        clock.move_to(T0 + timedelta(seconds=60))
        http = _signed_in_with_app(maple_awake, owner, secret)
        clock.move_to(T0 + FIFTEEN)
        url = at(maple_awake, "twofactor:reauthenticate")
        page = http.get(url).content.decode()
        assert "Code from your authenticator app" in page
        without = http.post(url, {"password": PASSWORD})
        assert without.status_code == 200 and "Enter the code" in without.content.decode()
        wrong = http.post(url, {"password": PASSWORD, "code": "000001"})
        assert wrong.status_code == 400
        right = http.post(url, {"password": PASSWORD, "code": code_at(secret, T0 + FIFTEEN)})
        assert right.status_code == 302


def test_a_wrong_password_at_confirmation_counts_toward_the_lock(
    maple_awake: Practice, owner: User
) -> None:
    http = HttpClient()
    http.force_login(owner)
    url = at(maple_awake, "twofactor:reauthenticate")
    response = http.post(url, {"password": "wrong"})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.failed_sign_ins == 1


def test_next_outside_the_site_is_ignored(maple_awake: Practice, owner: User) -> None:
    http = HttpClient()
    http.force_login(owner)
    done = http.post(
        at(maple_awake, "twofactor:reauthenticate"),
        {"password": PASSWORD, "next": "https://evil.example/steal"},
    )
    assert done.status_code == 302 and "evil" not in done["Location"]
