"""The family pages: welcome through a contact's link, choosing recipients, revoking a contact."""

from __future__ import annotations

from django.test import Client as HttpClient

from portico.access.models import AccessLink, PortalAccess
from portico.accounts.models import User
from portico.mail.models import OutboundEmail
from portico.practices.models import Practice
from tests.cast import (
    LEO_DOB,
    MIA_DOB,
    PASSWORD,
    PAT_EMAIL,
    Family,
    at,
    invite,
    make_client,
    open_link,
    parent_of,
    register_new,
)
from tests.portal.conftest import landing

NEW_PASSWORD = "river stones and lanterns 7"


# --- welcome through a contact's link --------------------------------------------------------


def test_a_contacts_date_of_birth_step_asks_for_the_childs_date_of_birth(
    maple: Practice, family: Family, owner: User
) -> None:
    from tests.cast import token_of

    link = invite(family.pat_for_mia, owner)
    http = HttpClient()
    http.get(at(maple, "access:welcome_link", token_of(link)))
    page = http.get(at(maple, "access:welcome_dob")).content.decode()
    assert "<h1>Confirm Mia's date of birth</h1>" in page
    wrong = http.post(at(maple, "access:welcome_dob"), {"date_of_birth": "01/01/1980"})
    assert "does not match our records" in wrong.content.decode()


def test_a_parent_creates_an_account_through_the_first_link_and_attaches_the_second(
    maple: Practice, family: Family, owner: User
) -> None:
    http = HttpClient()
    open_link(http, maple, invite(family.pat_for_mia, owner), MIA_DOB)
    page = http.get(at(maple, "access:welcome_account")).content.decode()
    assert "I already have a portal account with Maple Counseling" in page
    assert "Create my account" in page
    response = http.post(
        at(maple, "access:welcome_account"),
        {"path": "new", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    pat = User.objects.get(kind="portal")
    assert response.status_code == 302 and response["Location"] == landing(maple, pat)
    assert "Mia (your child)" in http.get(at(maple, "portal:home")).content.decode()
    assert pat.email == PAT_EMAIL

    second = HttpClient()
    open_link(second, maple, invite(family.pat_for_leo, owner), LEO_DOB)
    wrong = second.post(
        at(maple, "access:welcome_account"),
        {"path": "existing", "identifier": PAT_EMAIL, "password": "not the password"},
    )
    assert "do not match our records" in wrong.content.decode()
    response = second.post(
        at(maple, "access:welcome_account"),
        {"path": "existing", "identifier": PAT_EMAIL, "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert "Leo (your child)" in second.get(at(maple, "portal:home")).content.decode()
    assert User.objects.filter(kind="portal").count() == 1
    assert PortalAccess.objects.filter(user=pat, ended_at=None).count() == 2


def test_a_shared_address_asks_for_a_username_and_both_people_sign_in_with_their_own_password(
    maple: Practice, owner: User
) -> None:
    ava = make_client(maple, owner, "Ava", "Shared")
    mum = parent_of(ava, owner, first="Mum", email="home@example.com")
    dad = parent_of(ava, owner, first="Dad", email="home@example.com")
    register_new(invite(mum, owner))  # Mum's account uses the address first
    http = HttpClient()
    open_link(http, maple, invite(dad, owner), ava.date_of_birth)
    page = http.get(at(maple, "access:welcome_account")).content.decode()
    assert "already uses home@example.com" in page
    missing = http.post(
        at(maple, "access:welcome_account"),
        {"path": "new", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert missing.status_code == 200  # the username is required
    response = http.post(
        at(maple, "access:welcome_account"),
        {
            "path": "new",
            "username": "dad.home",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(kind="portal", email="home@example.com").count() == 2
    for password, name in ((PASSWORD, "Mum"), (NEW_PASSWORD, "Dad")):
        browser = HttpClient()
        signed = browser.post(
            at(maple, "portal:sign_in"), {"identifier": "home@example.com", "password": password}
        )
        assert signed.status_code == 302
        assert f"Hello, {name}" in browser.get(at(maple, "portal:home")).content.decode()


# --- staff: choosing recipients, per-contact actions -----------------------------------------


def test_the_welcome_email_page_lists_the_client_and_each_contact_with_access_and_an_email(
    maple: Practice, family: Family, owner: User, owner_http: HttpClient
) -> None:
    family.mia.emails.create(practice=maple, address="mia@example.com", is_default=True)
    from portico.access.people import add_contact
    from portico.audit.actor import Actor

    add_contact(
        family.mia,
        by=Actor.for_user(owner),
        first_name="Nomail",
        last_name="Aunt",
        relationship="other",
    )
    page = owner_http.get(at(maple, "access:choose_recipients", family.mia.public_id))
    text = page.content.decode()
    assert "mia@example.com" in text and PAT_EMAIL in text
    assert "Nomail" not in text
    assert "Send invitation(s)" in text


def test_each_chosen_recipient_gets_their_own_link_and_a_refusal_does_not_block_the_others(
    maple: Practice, family: Family, owner: User, owner_http: HttpClient
) -> None:
    family.mia.emails.create(practice=maple, address="mia@example.com", is_default=True)
    for _ in range(5):
        invite(family.pat_for_mia, owner)  # Pat's five for today are spent
    sam = parent_of(family.mia, owner, first="Sam", email="sam@example.com")
    response = owner_http.post(
        at(maple, "access:choose_recipients", family.mia.public_id),
        {"recipient": ["client", str(family.pat_for_mia.public_id), str(sam.public_id)]},
        follow=True,
    )
    text = response.content.decode()
    assert "Pat Parent: not sent." in text
    assert "Sam Parent: portal invitation sent to sam@example.com" in text
    assert "Portal invitation sent to mia@example.com" in text
    recipients = set(OutboundEmail.objects.values_list("to_address", flat=True))
    assert {"mia@example.com", "sam@example.com"} <= recipients
    assert AccessLink.objects.filter(access__contact=sam).count() == 1
    own = AccessLink.objects.filter(access__client=family.mia, access__contact__isnull=True)
    assert own.count() == 1


def test_the_client_page_shows_each_contact_with_their_own_state_and_actions(
    maple: Practice, family: Family, owner: User, owner_http: HttpClient
) -> None:
    invite(family.pat_for_mia, owner)
    page = owner_http.get(at(maple, "clients:detail", family.mia.public_id)).content.decode()
    assert "Pat Parent" in page and "Invited" in page
    assert (
        at(maple, "access:send_contact_invite", family.mia.public_id, family.pat_for_mia.public_id)
        in page
    )
    assert "Welcome email: choose recipients" in page


def test_staff_send_a_contact_invite_and_revoke_after_confirming(
    maple: Practice, family: Family, owner: User, owner_http: HttpClient
) -> None:
    args = (family.mia.public_id, family.pat_for_mia.public_id)
    response = owner_http.post(at(maple, "access:send_contact_invite", *args), follow=True)
    assert "portal invitation sent to pat.parent@example.com" in response.content.decode()
    confirm = owner_http.get(at(maple, "access:end_contact_access", *args)).content.decode()
    assert "Their account and their access to anyone else" in confirm
    response = owner_http.post(at(maple, "access:end_contact_access", *args), follow=True)
    assert "access to Mia Parent ended" in response.content.decode()
    assert not AccessLink.objects.filter(
        access__contact=family.pat_for_mia, revoked_at__isnull=True
    ).exists()


def test_the_outsider_gets_404_on_every_family_url_get_and_post(
    maple: Practice, birch: Practice, family: Family, outsider_http: HttpClient
) -> None:
    # Signed in to Birch, trying Maple's client and contact through Birch's URLs: 404;
    # through Maple's URLs the Birch session is nobody (sign-in page), never a page.
    contact_args = (family.mia.public_id, family.pat_for_mia.public_id)
    names = [
        ("access:choose_recipients", (family.mia.public_id,)),
        ("access:send_contact_invite", contact_args),
        ("access:end_contact_access", contact_args),
    ]
    for name, args in names:
        url = at(birch, name, *args)
        assert outsider_http.get(url).status_code == 404, url
        assert outsider_http.post(url).status_code == 404, url
        here = at(maple, name, *args)
        assert outsider_http.get(here).status_code == 302, here
        assert outsider_http.post(here).status_code == 302, here
    assert not AccessLink.objects.exists()
    assert not PortalAccess.objects.filter(user__isnull=False).exists()


def test_a_contact_of_another_client_is_404_under_this_client(
    maple: Practice, family: Family, owner_http: HttpClient
) -> None:
    url = at(maple, "access:end_contact_access", family.mia.public_id, family.pat_for_leo.public_id)
    assert owner_http.get(url).status_code == 404
    assert owner_http.post(url).status_code == 404


def test_the_people_tab_shows_each_contacts_portal_state_and_actions(
    maple: Practice, family: Family, owner: User, owner_http: HttpClient
) -> None:
    invite(family.pat_for_mia, owner)
    page = owner_http.get(at(maple, "clients:people", family.mia.public_id)).content.decode()
    assert f'id="contact-access-{family.pat_for_mia.public_id}"' in page
    assert "Invited" in page and "Resend invite" in page
    assert "Revoke access for this client" in page
