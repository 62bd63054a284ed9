"""A link goes only to an address on file for its person; no staff role can redirect it.

Issue 8, item 1: a front-desk user could post any address to "Send invite" and
receive the client's password-reset link. Every send path is checked inside the
action: an address not on file is refused, nothing is queued, and the attempt
is audited.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import (
    AddressNotOnFile,
    SendLimitReached,
    send_invite,
    send_password_reset,
)
from portico.access.models import AccessLink, LinkPurpose
from portico.access.people import change_client_email, remove_client_email, update_contact
from portico.access.registration import redeem_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.queries import describe_event
from portico.clients.actions import add_client_email
from portico.clients.models import Client, ClientEmail
from portico.mail.models import EmailKind, OutboundEmail
from portico.portal.actions import answer_password_reset_request
from portico.practices.models import Practice
from tests.cast import PASSWORD, PAT_EMAIL, at, attach, by, invite, make_family, register_new

ATTACKER = "attacker@evil.example"
REFUSED = "access.send.refused_address"
STAFF_SEND_URLS = ["access:send_invite", "access:resend_invite", "access:reset_and_resend_welcome"]


def register_casey(casey: Client, owner: User) -> User:
    sent = send_invite(casey, by=by(owner))
    account = redeem_invite(
        sent.link, by=Actor.system(), username="casey", password=PASSWORD, at=timezone.now()
    )
    assert account is not None
    return account


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=REFUSED).order_by("pk"))


def nothing_sent_to(address: str) -> bool:
    return (
        not AccessLink.objects.filter(email__iexact=address).exists()
        and not OutboundEmail.objects.filter(to_address__iexact=address).exists()
    )


# --- the staff buttons ----------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF_SEND_URLS)
def test_front_desk_cannot_send_an_invitation_to_an_address_not_on_file(
    maple: Practice, casey: Client, front_desk: User, front_desk_http: HttpClient, name: str
) -> None:
    response = front_desk_http.post(
        at(maple, name, casey.public_id), {"email": ATTACKER}, follow=True
    )
    page = response.content.decode()
    assert f"{ATTACKER} is not on file for Casey" in page
    assert "add it to Casey&#x27;s personal information first" in page
    assert not AccessLink.objects.filter(access__client=casey).exists()
    assert not OutboundEmail.objects.exists()
    [event] = refusals()
    assert event.client == casey and event.actor == front_desk
    assert event.details["email"] == ATTACKER


@pytest.mark.parametrize("name", STAFF_SEND_URLS)
def test_front_desk_cannot_send_a_clients_reset_link_to_an_address_not_on_file(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient, name: str
) -> None:
    account = register_casey(casey, owner)
    links_before = AccessLink.objects.count()
    emails_before = OutboundEmail.objects.count()
    front_desk_http.post(at(maple, name, casey.public_id), {"email": ATTACKER})
    assert AccessLink.objects.count() == links_before
    assert OutboundEmail.objects.count() == emails_before
    assert nothing_sent_to(ATTACKER)
    [event] = refusals()
    assert event.subject_user == account


def test_the_send_reset_button_ignores_a_posted_address(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    register_casey(casey, owner)
    front_desk_http.post(at(maple, "access:send_reset", casey.public_id), {"email": ATTACKER})
    assert nothing_sent_to(ATTACKER)
    latest = AccessLink.objects.filter(access__client=casey).latest("created_at", "pk")
    assert latest.purpose == LinkPurpose.PASSWORD_RESET
    assert latest.email == "casey@example.com"


# --- the action, for every caller (staff views, bulk, contacts, the API) ---------------------


@pytest.mark.parametrize("role", ["owner", "front_desk", "clinician"])
def test_no_staff_role_can_redirect_a_link_through_the_action(
    casey: Client, role: str, request: pytest.FixtureRequest
) -> None:
    staff: User = request.getfixturevalue(role)
    with pytest.raises(AddressNotOnFile) as refused:
        send_invite(casey, by=by(staff), email=ATTACKER)
    assert "not on file for Casey" in refused.value.message
    assert nothing_sent_to(ATTACKER)
    assert not AccessLink.objects.exists()
    assert len(refusals()) == 1


def test_a_refused_address_is_audited_even_when_no_sends_are_left(
    casey: Client, owner: User
) -> None:
    for _ in range(5):
        send_invite(casey, by=by(owner))
    with pytest.raises(SendLimitReached):
        send_invite(casey, by=by(owner))
    with pytest.raises(AddressNotOnFile):
        send_invite(casey, by=by(owner), email=ATTACKER)
    assert len(refusals()) == 1
    assert nothing_sent_to(ATTACKER)


def test_an_address_on_file_that_is_not_the_default_is_allowed(
    casey: Client, owner: User, front_desk: User
) -> None:
    add_client_email(casey, by=by(owner), address="casey.work@example.com")
    sent = send_invite(casey, by=by(front_desk), email="casey.work@example.com")
    assert sent.link.email == "casey.work@example.com"
    assert sent.email.to_address == "casey.work@example.com"
    assert not refusals()


@pytest.mark.parametrize(
    "typed", ["  casey@example.com ", "CASEY@EXAMPLE.COM", "Casey@Example.com"]
)
def test_case_and_spacing_variants_of_an_address_on_file_are_allowed(
    casey: Client, front_desk: User, typed: str
) -> None:
    sent = send_invite(casey, by=by(front_desk), email=typed)
    assert sent.link.email == "casey@example.com"  # the address as stored
    assert sent.email.to_address == "casey@example.com"
    assert not refusals()


def test_an_address_that_is_not_even_valid_is_refused_like_any_other(
    casey: Client, front_desk: User
) -> None:
    with pytest.raises(AddressNotOnFile):
        send_invite(casey, by=by(front_desk), email="casey@example")
    assert not AccessLink.objects.exists()


def test_the_refusal_reads_as_a_sentence_in_the_access_history(
    casey: Client, front_desk: User
) -> None:
    with pytest.raises(AddressNotOnFile):
        send_invite(casey, by=by(front_desk), email=ATTACKER)
    [event] = refusals()
    assert describe_event(event) == (
        f"Link not sent to {ATTACKER}: that address is not on file for this person"
    )


def test_an_address_becomes_sendable_once_it_is_added_to_the_clients_record(
    casey: Client, owner: User, front_desk: User
) -> None:
    with pytest.raises(AddressNotOnFile):
        send_invite(casey, by=by(front_desk), email="casey.new@example.com")
    add_client_email(casey, by=by(owner), address="casey.new@example.com")
    sent = send_invite(casey, by=by(front_desk), email="casey.new@example.com")
    assert sent.link.email == "casey.new@example.com"


# --- password resets: only the address on file, never the account's old one -----------------


def test_a_reset_goes_to_the_clients_address_on_file_not_the_accounts_old_one(
    casey: Client, owner: User
) -> None:
    account = register_casey(casey, owner)
    change_client_email(
        ClientEmail.objects.get(client=casey), by=by(owner), address="casey.new@example.com"
    )
    sent = send_password_reset(casey, by=by(owner))
    assert account.email == "casey@example.com"
    assert sent.link.email == sent.email.to_address == "casey.new@example.com"


def test_a_reset_is_refused_when_the_client_has_no_address_on_file(
    casey: Client, owner: User
) -> None:
    register_casey(casey, owner)
    remove_client_email(ClientEmail.objects.get(client=casey), by=by(owner))
    resets_before = OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).count()
    visitor = Actor(user=None, label="visitor")
    answer_password_reset_request(casey.practice, identifier="casey", by=visitor)
    assert OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).count() == resets_before
    assert not AccessLink.objects.filter(purpose=LinkPurpose.PASSWORD_RESET).exists()


# --- a guardian's account: the contact's own address ----------------------------------------


def _pat(maple: Practice, owner: User) -> tuple[User, list]:  # type: ignore[type-arg]
    family = make_family(maple, owner)
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    attach(invite(family.pat_for_leo, owner), pat)
    return pat, [family.pat_for_mia, family.pat_for_leo]


def test_a_guardians_reset_goes_to_their_contact_address(maple: Practice, owner: User) -> None:
    pat, _ = _pat(maple, owner)
    sent = send_password_reset(pat, by=Actor(user=None, label="visitor"), self_service=True)
    assert sent.link.email == PAT_EMAIL


def test_a_guardians_reset_still_goes_while_one_contact_keeps_their_address(
    maple: Practice, owner: User
) -> None:
    pat, contacts = _pat(maple, owner)
    update_contact(contacts[0], by=by(owner), email="pat.new@example.com")
    sent = send_password_reset(pat, by=Actor(user=None, label="visitor"), self_service=True)
    assert sent.link.email == PAT_EMAIL


def test_a_guardians_reset_is_refused_once_their_address_is_no_longer_on_file(
    maple: Practice, owner: User
) -> None:
    pat, contacts = _pat(maple, owner)
    for contact in contacts:
        update_contact(contact, by=by(owner), email="pat.new@example.com")
    visitor = Actor(user=None, label="visitor", ip="203.0.113.9")
    answer_password_reset_request(maple, identifier="pat", by=visitor)
    assert not AccessLink.objects.filter(user=pat, purpose=LinkPurpose.PASSWORD_RESET).exists()
    assert not OutboundEmail.objects.filter(kind=EmailKind.PASSWORD_RESET).exists()
    [event] = refusals()
    assert event.subject_user == pat and event.details["email"] == PAT_EMAIL
    requested = AuditEvent.objects.get(action="access.reset.requested", subject_user=pat)
    assert requested.details["outcome"] == "not_sent"


# --- the other send paths take no address: a posted one changes nothing -----------------------


def test_the_welcome_recipient_chooser_ignores_a_posted_address(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    front_desk_http.post(
        at(maple, "access:choose_recipients", casey.public_id),
        {"recipient": ["client"], "email": ATTACKER},
    )
    assert nothing_sent_to(ATTACKER)
    assert AccessLink.objects.get(access__client=casey).email == "casey@example.com"


def test_a_contacts_invitation_ignores_a_posted_address(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    family = make_family(maple, owner)
    contact = family.pat_for_mia
    front_desk_http.post(
        at(maple, "access:send_contact_invite", family.mia.public_id, contact.public_id),
        {"email": ATTACKER},
    )
    assert nothing_sent_to(ATTACKER)
    assert AccessLink.objects.get(access__contact=contact).email == PAT_EMAIL
