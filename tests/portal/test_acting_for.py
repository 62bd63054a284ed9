"""One account acting for several clients: the chooser, scoping, and grants ended mid-session."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.practices.models import Practice
from tests.cast import (
    PASSWORD,
    Family,
    at,
    attach,
    end_contact_access,
    invite,
    register_new,
)


@pytest.fixture
def pat(family: Family, owner: User) -> User:
    account = register_new(invite(family.pat_for_mia, owner))
    return attach(invite(family.pat_for_leo, owner), account)


def signed_in(practice: Practice, user: User) -> HttpClient:
    http = HttpClient()
    response = http.post(
        at(practice, "portal:sign_in"), {"identifier": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return http


def choose(http: HttpClient, practice: Practice, client_public_id: object) -> None:
    response = http.post(at(practice, "portal:choose"), {"client": str(client_public_id)})
    assert response.status_code == 302


def test_an_account_with_two_grants_is_asked_whom_it_acts_for(maple: Practice, pat: User) -> None:
    http = signed_in(maple, pat)
    home = http.get(at(maple, "portal:home"))
    assert home.status_code == 302 and home["Location"] == at(maple, "portal:choose")
    page = http.get(at(maple, "portal:choose")).content.decode()
    assert "Who are you acting for today?" in page
    assert "Mia (your child)" in page and "Leo (your child)" in page


def test_acting_for_one_child_never_shows_the_other(
    maple: Practice, family: Family, pat: User
) -> None:
    http = signed_in(maple, pat)
    choose(http, maple, family.mia.public_id)
    page = http.get(at(maple, "portal:home")).content.decode()
    assert "You are acting for <strong>Mia (your child)</strong>" in page
    assert "Leo" not in page
    assert "Switch person" in page
    choose(http, maple, family.leo.public_id)
    page = http.get(at(maple, "portal:home")).content.decode()
    assert "Leo (your child)" in page and "Mia" not in page


def test_a_client_the_account_has_no_grant_for_cannot_be_chosen(
    maple: Practice, pat: User, casey: object
) -> None:
    http = signed_in(maple, pat)
    response = http.post(at(maple, "portal:choose"), {"client": str(casey.public_id)})  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert "Choose one of the people listed." in response.content.decode()


def test_revoking_one_childs_grant_ends_it_at_once_in_an_open_session_and_leaves_the_other(
    maple: Practice, family: Family, pat: User, owner: User
) -> None:
    http = signed_in(maple, pat)
    choose(http, maple, family.mia.public_id)
    assert http.get(at(maple, "portal:home")).status_code == 200
    end_contact_access(
        family.pat_for_mia, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF
    )
    response = http.get(at(maple, "portal:home"))
    assert response.status_code == 302 and response["Location"] == at(maple, "portal:choose")
    chooser = http.get(at(maple, "portal:choose")).content.decode()
    assert "You no longer have access to Mia&#x27;s portal." in chooser
    assert "Leo (your child)" in chooser and "Mia (your child)" not in chooser
    response = http.post(at(maple, "portal:choose"), {"client": str(family.mia.public_id)})
    assert response.status_code == 200  # refused: not among the choices
    choose(http, maple, family.leo.public_id)
    assert "Leo (your child)" in http.get(at(maple, "portal:home")).content.decode()


def test_with_no_grant_left_the_portal_says_so_plainly(
    maple: Practice, family: Family, pat: User, owner: User
) -> None:
    maple.phone = "555-0100"
    maple.save(update_fields=["phone"])
    http = signed_in(maple, pat)
    choose(http, maple, family.leo.public_id)
    for contact in (family.pat_for_mia, family.pat_for_leo):
        end_contact_access(contact, by=Actor.for_user(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    response = http.get(at(maple, "portal:home"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "You no longer have access to any client portal at Maple Counseling" in text
    assert "555-0100" in text


def test_a_single_grant_goes_straight_home_without_a_chooser(
    maple: Practice, family: Family, owner: User
) -> None:
    pat = register_new(invite(family.pat_for_mia, owner))
    http = signed_in(maple, pat)
    page = http.get(at(maple, "portal:home")).content.decode()
    assert "Mia (your child)" in page and "Switch person" not in page


def test_the_outsider_cannot_open_the_chooser_of_another_practice(
    maple: Practice, outsider_http: HttpClient
) -> None:
    response = outsider_http.get(at(maple, "portal:choose"))
    assert response.status_code == 302
    assert response["Location"].startswith(at(maple, "portal:sign_in"))
