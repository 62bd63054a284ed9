"""Every staff page shows only marked text: staff pages are English for now, ready for
translation.

Each staff page of the URLconf (tests/staff_pages.py, so a new page is walked without
anyone adding it) is opened as the owner with every English catalogue lookup wrapped
(``tests.i18n.pseudo``). What a person reads on the page that is neither wrapped nor
a value stored in the database (names, addresses, the practice's settings, audit
details) is English that was never marked: the test names the page and the words.

Staff text is marked with the context ``staff`` (``pgettext("staff", ...)``,
``{% translate "..." context "staff" %}``), so a translator finds it apart from the
client text, and the Spanish catalogues need not translate it yet
(tests/i18n/test_catalogues.py).

One test per app (``-k clients``) so a failure points at its templates.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.test import Client as HttpClient
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.minors import find_clients_coming_of_age
from portico.lib.localtime import practice_today
from portico.practices.models import Practice
from tests.cast import at, make_client
from tests.i18n.pseudo import marked, unmarked_text
from tests.staff_pages import NOT_PAGES, Objects, path_in, staff_routes

APPS = sorted({name.partition(":")[0] for _route, name in staff_routes()})


@pytest.fixture(autouse=True)
def _english_marked(db: None) -> Iterator[None]:
    cache.clear()
    with marked("en"):
        yield
    cache.clear()


def _riley(maple: Practice, owner: User, front_desk: User) -> Objects:
    """A client who turned 18 today (so the coming-of-age review exists), with a parent."""
    today = practice_today(maple)
    born = date(today.year - 18, today.month, min(today.day, 28))
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        riley = make_client(maple, owner, "Riley", "Reed", emails=("riley@example.com",), dob=born)
    find_clients_coming_of_age(today, practice=maple)
    return Objects.build(riley, front_desk, owner)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in (*value.keys(), *value.values()):
            yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def _stored_text() -> list[str]:
    """Every text value in the database, JSON included (an uploaded file's column
    names): what a page may show as it is."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and not field.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(value for value in _strings(row) if value)
    return sorted(values)


@pytest.mark.parametrize("app", APPS)
def test_every_staff_page_shows_only_marked_text(
    app: str, maple: Practice, owner: User, front_desk: User
) -> None:
    objects = _riley(maple, owner, front_desk)
    http = HttpClient()
    http.force_login(owner)
    # Stored values, and the time zones the settings page offers (IANA names, not text).
    allowed = _stored_text() + [zone.replace("_", " ") for zone in zoneinfo.available_timezones()]
    problems: dict[str, list[str]] = {}
    walked = 0
    for route, name in staff_routes():
        if not name.startswith(f"{app}:") or name in NOT_PAGES:
            continue
        response = http.get(path_in(maple, route, objects))
        if response.status_code in (302, 405):
            continue  # a POST-only action, or a step that sends the owner elsewhere
        assert response.status_code == 200, f"{name}: {response.status_code}"
        html = response.content.decode()
        assert '<html lang="en">' in html, f"{name} is not in English"
        found = unmarked_text(html, allowed=allowed)
        if found:
            problems[name] = found
        walked += 1
    if app == "accounts":  # the pages before signing in: sign-in, and a dead welcome link
        visitor = HttpClient()
        for name, url in (
            ("accounts:staff_sign_in", at(maple, "accounts:staff_sign_in")),
            ("accounts:staff_welcome_link", at(maple, "accounts:staff_welcome_link", "x" * 43)),
        ):
            response = visitor.get(url, follow=True)
            found = unmarked_text(response.content.decode(), allowed=allowed)
            if found:
                problems[name] = found
            walked += 1
    report = "\n".join(f"{name}: {found}" for name, found in problems.items())
    assert problems == {}, f"English that was never marked:\n{report}"
    assert walked >= 1
