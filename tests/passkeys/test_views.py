"""A person's own passkeys pages, for staff and for portal users."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.passkeys.models import Passkey
from portico.practices.models import Practice
from portico.twofactor.flow import VERIFIED_AT
from tests.cast import at
from tests.i18n.pseudo import marked_spanish, unmarked_text
from tests.passkeys.authenticator import SoftAuthenticator

ORIGIN = "http://testserver"


def signed_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def add_through_the_page(
    http: HttpClient, practice: Practice, side: str, key: SoftAuthenticator, **post: str
) -> Any:
    page = http.get(at(practice, f"passkeys:{side}_manage"))
    assert page.status_code == 200
    options = page.context["passkey_create_options"]
    return http.post(
        at(practice, f"passkeys:{side}_add"),
        {"name": "Work laptop", "passkey_credential": key.create(options, origin=ORIGIN), **post},
    )


def confirmed_ago(http: HttpClient, seconds: float) -> HttpClient:
    """As if the password (and second step) had been checked ``seconds`` ago."""
    session = http.session
    session[VERIFIED_AT] = time.time() - seconds
    session.save()
    return http


@pytest.fixture
def casey_http(casey_account: User) -> HttpClient:
    return signed_in(casey_account)


def test_staff_add_a_passkey_from_their_page_and_see_it_listed(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    response = add_through_the_page(owner_http, maple, "staff", SoftAuthenticator())

    assert response.status_code == 302
    assert response["Location"] == at(maple, "passkeys:staff_manage")
    passkey = Passkey.objects.get(user=owner)
    assert passkey.name == "Work laptop"
    assert passkey.practice == maple
    page = owner_http.get(at(maple, "passkeys:staff_manage"))
    assert "Work laptop" in page.text
    assert "Passkey “Work laptop” added." in page.text


def test_adding_a_passkey_is_audited_without_key_material(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    key = SoftAuthenticator()
    add_through_the_page(owner_http, maple, "staff", key)

    event = AuditEvent.objects.get(action=Action.PASSKEY_ADDED)
    assert event.subject_user == owner
    assert event.details == {"name": "Work laptop", "synced": False}
    assert key.id not in json.dumps(event.details)


def test_the_page_embeds_the_options_as_json_and_loads_the_static_script(
    maple: Practice, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "passkeys:staff_manage"))

    assert '<script id="passkey-create-options" type="application/json">' in page.text
    assert "/static/passkeys/passkeys.js" in page.text
    assert "<script>" not in page.text  # nothing inline: the CSP holds


def test_a_portal_user_adds_a_passkey_on_the_portal_page(
    maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    response = add_through_the_page(casey_http, maple, "portal", SoftAuthenticator())

    assert response.status_code == 302
    assert response["Location"] == at(maple, "passkeys:portal_manage")
    assert Passkey.objects.filter(user=casey_account).count() == 1
    page = casey_http.get(at(maple, "passkeys:portal_manage"))
    assert "portal-bar" in page.text


def test_a_passkey_without_a_name_is_not_added(maple: Practice, owner_http: HttpClient) -> None:
    response = add_through_the_page(owner_http, maple, "staff", SoftAuthenticator(), name="")

    assert response.status_code == 400
    assert "Give this passkey a name." in response.text
    assert not Passkey.objects.exists()


def test_a_missing_browser_answer_says_so(maple: Practice, owner_http: HttpClient) -> None:
    response = owner_http.post(at(maple, "passkeys:staff_add"), {"name": "Laptop"})

    assert response.status_code == 400
    assert "Your browser did not create a passkey. Try again." in response.text


def test_an_answer_for_another_origin_is_not_added(maple: Practice, owner_http: HttpClient) -> None:
    page = owner_http.get(at(maple, "passkeys:staff_manage"))
    made = SoftAuthenticator().create(
        page.context["passkey_create_options"], origin="https://phish.test"
    )
    response = owner_http.post(
        at(maple, "passkeys:staff_add"), {"name": "Laptop", "passkey_credential": made}
    )

    assert response.status_code == 400
    assert "That passkey could not be added." in response.text
    assert not Passkey.objects.exists()


def test_after_adding_the_person_goes_back_to_the_page_they_came_from(
    maple: Practice, owner_http: HttpClient
) -> None:
    security = at(maple, "accounts:staff_home")
    response = add_through_the_page(owner_http, maple, "staff", SoftAuthenticator(), next=security)
    assert response["Location"] == security


def test_a_next_address_on_another_site_is_ignored(maple: Practice, owner_http: HttpClient) -> None:
    response = add_through_the_page(
        owner_http, maple, "staff", SoftAuthenticator(), next="https://phish.test/"
    )
    assert response["Location"] == at(maple, "passkeys:staff_manage")


def test_the_list_asks_before_removing_then_removes_and_audits(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    add_through_the_page(owner_http, maple, "staff", SoftAuthenticator())
    passkey = Passkey.objects.get(user=owner)
    listing = owner_http.get(at(maple, "passkeys:staff_manage")).text
    assert "Remove “Work laptop”? You will no longer be able to use it" in listing
    assert f'name="passkey" value="{passkey.public_id}"' in listing

    response = owner_http.post(at(maple, "passkeys:staff_remove"), {"passkey": passkey.public_id})

    assert response.status_code == 302
    assert response["Location"] == at(maple, "passkeys:staff_manage")
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    event = AuditEvent.objects.get(action=Action.PASSKEY_REMOVED)
    assert event.subject_user == owner
    assert event.details == {"name": "Work laptop"}


def test_removing_only_by_post(maple: Practice, owner_http: HttpClient) -> None:
    assert owner_http.get(at(maple, "passkeys:staff_remove")).status_code == 405


@pytest.mark.parametrize("garbage", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_removing_an_unknown_passkey_is_404(
    maple: Practice, owner_http: HttpClient, garbage: str
) -> None:
    assert (
        owner_http.post(at(maple, "passkeys:staff_remove"), {"passkey": garbage}).status_code == 404
    )


def test_someone_elses_passkey_cannot_be_removed_or_seen(
    maple: Practice, owner: User, owner_http: HttpClient, front_desk_http: HttpClient
) -> None:
    add_through_the_page(owner_http, maple, "staff", SoftAuthenticator(), name="Olivia's key")
    passkey = Passkey.objects.get(user=owner)

    response = front_desk_http.post(
        at(maple, "passkeys:staff_remove"), {"passkey": passkey.public_id}
    )

    assert response.status_code == 404
    listing = front_desk_http.get(at(maple, "passkeys:staff_manage")).text
    assert "Olivia&#x27;s key" not in listing
    assert "You have no passkeys yet." in listing
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_the_outsider_from_another_practice_gets_404(
    maple: Practice, birch: Practice, owner: User, owner_http: HttpClient, outsider_http: HttpClient
) -> None:
    add_through_the_page(owner_http, maple, "staff", SoftAuthenticator())
    passkey = Passkey.objects.get(user=owner)
    data = {"passkey": passkey.public_id}

    # On Maple's pages the outsider's session counts as nobody (to sign-in); on Birch's, 404.
    assert outsider_http.post(at(maple, "passkeys:staff_remove"), data).status_code == 302
    assert outsider_http.post(at(birch, "passkeys:staff_remove"), data).status_code == 404
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_a_portal_user_cannot_open_the_staff_page_and_staff_not_the_portal_page(
    maple: Practice, casey_http: HttpClient, owner_http: HttpClient
) -> None:
    assert casey_http.get(at(maple, "passkeys:staff_manage")).status_code == 404
    response = owner_http.get(at(maple, "passkeys:portal_manage"))
    assert response.status_code == 302
    assert at(maple, "portal:sign_in") in response["Location"]


def test_nobody_signed_in_is_sent_to_sign_in(maple: Practice) -> None:
    http = HttpClient()
    staff = http.get(at(maple, "passkeys:staff_manage"))
    portal = http.get(at(maple, "passkeys:portal_manage"))

    assert at(maple, "accounts:staff_sign_in") in staff["Location"]
    assert at(maple, "portal:sign_in") in portal["Location"]


def test_adding_only_by_post(maple: Practice, owner_http: HttpClient) -> None:
    assert owner_http.get(at(maple, "passkeys:staff_add")).status_code == 405


def test_the_portal_page_speaks_spanish_to_a_client_who_reads_spanish(
    maple: Practice, casey: Client, casey_http: HttpClient
) -> None:
    casey.language = "es"
    casey.save(update_fields=["language"])

    page = casey_http.get(at(maple, "passkeys:portal_manage"))

    assert "Llaves de acceso" in page.text
    assert "Agregar una llave de acceso" in page.text


def test_staff_confirm_it_is_them_before_removing_a_passkey(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    add_through_the_page(owner_http, maple, "staff", SoftAuthenticator())
    passkey = Passkey.objects.get(user=owner)
    confirmed_ago(owner_http, 15 * 60 + 1)

    response = owner_http.post(at(maple, "passkeys:staff_remove"), {"passkey": passkey.public_id})

    assert response.status_code == 302
    assert response["Location"].startswith(at(maple, "twofactor:reauthenticate"))
    assert Passkey.objects.filter(pk=passkey.pk).exists()

    confirmed_ago(owner_http, 15 * 60 - 5)
    owner_http.post(at(maple, "passkeys:staff_remove"), {"passkey": passkey.public_id})
    assert not Passkey.objects.filter(pk=passkey.pk).exists()


def test_after_removing_the_person_goes_back_to_the_page_they_came_from(
    maple: Practice, casey_account: User, casey_http: HttpClient
) -> None:
    add_through_the_page(casey_http, maple, "portal", SoftAuthenticator())
    passkey = Passkey.objects.get(user=casey_account)
    security = at(maple, "portal_security:security")

    response = casey_http.post(
        at(maple, "passkeys:portal_remove"), {"passkey": passkey.public_id, "next": security}
    )

    assert response["Location"] == security
    assert not Passkey.objects.filter(pk=passkey.pk).exists()


def test_the_portal_page_in_spanish_shows_only_catalogue_text(
    maple: Practice, casey: Client, casey_account: User, casey_http: HttpClient
) -> None:
    casey.language = "es"
    casey.save(update_fields=["language"])
    add_through_the_page(casey_http, maple, "portal", SoftAuthenticator(), name="Celular")
    shown = [maple.name, casey.first_name, casey.last_name, "casey", "Celular"]
    casey_http.get(at(maple, "passkeys:portal_manage"))  # "added" shown (translated before)

    with marked_spanish():
        listing = casey_http.get(at(maple, "passkeys:portal_manage"))
        missing_name = casey_http.post(at(maple, "passkeys:portal_add"), {"name": ""})

    assert listing.status_code == 200
    assert missing_name.status_code == 400
    assert unmarked_text(listing.text, allowed=shown) == []
    assert unmarked_text(missing_name.text, allowed=shown) == []
