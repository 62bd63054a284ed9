"""Every staff URL of forms, walked: the outsider gets 404, the front desk only the client pages."""

from __future__ import annotations

import re

from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.intake import staff_page_values
from tests.staff_pages import staff_routes

_CONVERTER = re.compile(r"<(?:(?P<type>\w+):)?(?P<name>\w+)>")
CLIENT_PAGES = {"staff_forms:client_forms", "staff_forms:answers"}


def test_every_forms_page_answers_each_role_as_it_should(
    maple: Practice,
    birch: Practice,
    casey: Client,
    owner: User,
    front_desk: User,
    owner_http: HttpClient,
    front_desk_http: HttpClient,
    outsider_http: HttpClient,
) -> None:
    values = staff_page_values.build(casey, staff_member=front_desk, by=owner)
    values["public_id"] = str(casey.public_id)
    walked = []
    for route, name in staff_routes():
        if not name.startswith("staff_forms:"):
            continue
        tail = "/" + _CONVERTER.sub(lambda m: values[m["name"]], route)
        if "<" in route:  # one of Maple's objects in the URL, tried from Birch
            assert outsider_http.post(f"/p/{birch.slug}{tail}").status_code == 404, name
            assert outsider_http.get(f"/p/{birch.slug}{tail}").status_code in (404, 405), name
        owners = owner_http.get(f"/p/{maple.slug}{tail}").status_code
        front_desks = front_desk_http.get(f"/p/{maple.slug}{tail}").status_code
        assert owners in (200, 405), name
        if name in CLIENT_PAGES:
            assert front_desks == 200, name
        elif owners == 200:
            assert front_desks == 403, name
        walked.append(name)
    assert len(walked) == 14
