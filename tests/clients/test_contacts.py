"""The People tab: contacts added, edited and removed, consent recorded, all audited and scoped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from portico.access.actions import create_portal_account
from portico.access.links import issue_link
from portico.access.models import AccessLink, LinkPurpose, RevokeReason
from portico.access.people import add_contact
from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.contact_actions import record_consent
from portico.clients.models import Client, Contact
from portico.practices.models import Practice
from tests.cast import access_of, at
from tests.top_bar import warm_top_bar

GOOD = {
    "first_name": "Pat",
    "last_name": "Parent",
    "relationship": "parent",
    "relationship_note": "",
    "email": "pat@gmail.com",
    "phone": "555 010 2030",
    "is_primary": "on",
    "portal_access_enabled": "on",
    "email_notifications_enabled": "on",
}


def post(http: HttpClient, client: Client, **changes: Any) -> Any:
    data = {k: v for k, v in (GOOD | changes).items() if v is not None}
    return http.post(at(client.practice, "clients:add_contact", client.public_id), data)


def make_contact(client: Client, by: User, **extra: Any) -> Contact:
    values: dict[str, Any] = {
        "first_name": "Pat",
        "last_name": "Parent",
        "relationship": "parent",
        "email": "pat@example.com",
        "is_primary": True,
        "portal_access_enabled": True,
    } | extra
    return add_contact(client, by=Actor.for_user(by), **values)


def live_link_to(contact: Contact, by: User) -> AccessLink:
    return issue_link(
        contact.client.practice,
        purpose=LinkPurpose.CLIENT_INVITE,
        email=contact.email,
        lifetime=timedelta(hours=48),
        created_by=by,
        subject=access_of(contact),
    ).link


def test_a_complete_form_adds_the_contact_and_audits_it(
    casey: Client, front_desk_http: HttpClient
) -> None:
    response = post(front_desk_http, casey)
    contact = Contact.objects.get(client=casey)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/staff/clients/{casey.public_id}/people/")
    assert contact.is_primary and access_is_on(contact)
    assert contact.email == "pat@gmail.com"
    event = AuditEvent.objects.get(action="contact.added", client=casey)
    assert event.details["contact"] == str(contact.public_id)
    assert event.details["email"] == "pat@gmail.com"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": "  "}, "first_name", "Enter the contact&#x27;s first name."),
        ({"last_name": ""}, "last_name", "Enter the contact&#x27;s last name."),
        ({"relationship": ""}, "relationship", "Choose how this person is related to the client."),
        ({"relationship": "cousin"}, "relationship", "Select a valid choice."),
        (
            {"relationship": "other"},
            "relationship_note",
            "Say how this person is related, for example: grandmother.",
        ),
        ({"email": "pat@"}, "email", "This email address is not valid"),
        (
            {"email": ""},
            "email",
            "Portal access needs an email address: the invitation goes there.",
        ),
        ({"phone": "call me"}, "phone", "Use only digits, spaces and + ( ) - . in a phone number."),
        ({"phone": "12"}, "phone", "A phone number has 7 to 20 digits; this one has 2."),
    ],
)
def test_each_contact_field_rule_has_its_own_message_and_nothing_is_saved(
    casey: Client, front_desk_http: HttpClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = post(front_desk_http, casey, **changes)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert "Nothing was saved." in html
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action="contact.added").exists()


def test_a_contact_without_portal_access_needs_no_email(
    casey: Client, front_desk_http: HttpClient
) -> None:
    post(front_desk_http, casey, email="", portal_access_enabled=None, is_primary=None)
    contact = Contact.objects.get(client=casey)
    assert contact.email == "" and not access_is_on(contact) and not contact.is_primary


def test_a_mistyped_contact_email_stops_once_with_use_and_keep(
    casey: Client, front_desk_http: HttpClient
) -> None:
    response = post(front_desk_http, casey, email="pat@gmial.com")
    html = response.content.decode()
    assert "Did you mean pat@gmail.com?" in html
    assert "Use pat@gmail.com" in html and "Keep pat@gmial.com" in html
    assert "If this person really uses pat@gmial.com" in html
    assert not Contact.objects.exists()

    post(front_desk_http, casey, email="pat@gmial.com", email_hint_for="pat@gmial.com",
         email_decision="use")  # fmt: skip
    assert Contact.objects.get(client=casey).email == "pat@gmail.com"


def test_staff_may_keep_the_email_as_typed(casey: Client, front_desk_http: HttpClient) -> None:
    post(front_desk_http, casey, email="pat@gmial.com", email_hint_for="pat@gmial.com",
         email_decision="keep")  # fmt: skip
    assert Contact.objects.get(client=casey).email == "pat@gmial.com"


def test_several_primary_contacts_are_allowed(casey: Client, front_desk_http: HttpClient) -> None:
    post(front_desk_http, casey)
    post(front_desk_http, casey, first_name="Sam", email="sam@example.com")
    assert Contact.objects.filter(client=casey, is_primary=True).count() == 2


def test_the_people_page_shows_each_contact_plainly(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner, phone="555 010 2030")
    make_contact(casey, owner, first_name="Sam", is_primary=False, portal_access_enabled=False,
                 relationship="other", relationship_note="Grandmother")  # fmt: skip
    with time_machine.travel("2025-11-03 15:00Z"):
        record_consent(pat, kind="treatment", given=True, by=Actor.for_user(owner))
    html = front_desk_http.get(at(casey.practice, "clients:people", casey.public_id)).content
    text = html.decode()
    assert "Pat Parent" in text and "Primary contact" in text and "555 010 2030" in text
    assert "Sam Parent" in text and "Grandmother" in text
    assert "Given</span> recorded by Olivia Owner on Nov 3, 2025" in text
    assert "Not recorded" in text
    assert (
        "Can sign in, but cannot join video sessions until telehealth consent is recorded." in text
    )


def test_recording_consent_keeps_who_and_when_and_is_audited(
    casey: Client, owner: User, front_desk: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    url = at(casey.practice, "clients:contact_consent", casey.public_id, pat.public_id)
    with time_machine.travel("2025-11-03 15:00Z", tick=False):
        response = front_desk_http.post(url, {"kind": "telehealth", "given": "yes"})
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.telehealth_consent_by == front_desk
    assert pat.telehealth_consent_at is not None
    assert pat.telehealth_consent_at.isoformat() == "2025-11-03T15:00:00+00:00"
    assert pat.treatment_consent_at is None
    event = AuditEvent.objects.get(action="contact.consent.recorded")
    assert event.details["kind"] == "telehealth" and event.actor_id == front_desk.pk
    html = front_desk_http.get(at(casey.practice, "clients:people", casey.public_id)).content
    assert b"cannot join video sessions" not in html


def test_withdrawing_consent_clears_it_and_is_audited(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    record_consent(pat, kind="telehealth", given=True, by=Actor.for_user(owner))
    url = at(casey.practice, "clients:contact_consent", casey.public_id, pat.public_id)
    front_desk_http.post(url, {"kind": "telehealth", "given": "no"})
    pat.refresh_from_db()
    assert pat.telehealth_consent_at is None and pat.telehealth_consent_by is None
    assert AuditEvent.objects.filter(action="contact.consent.withdrawn").count() == 1


def test_recording_a_consent_twice_changes_nothing_the_second_time(
    casey: Client, owner: User
) -> None:
    pat = make_contact(casey, owner)
    assert record_consent(pat, kind="treatment", given=True, by=Actor.for_user(owner))
    assert not record_consent(pat, kind="treatment", given=True, by=Actor.for_user(owner))
    assert AuditEvent.objects.filter(action="contact.consent.recorded").count() == 1


def test_editing_a_contact_saves_and_audits_the_changed_fields(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    url = at(casey.practice, "clients:edit_contact", casey.public_id, pat.public_id)
    form = GOOD | {"email": "pat@example.com", "phone": "555 999 0000"}
    response = front_desk_http.post(url, form)
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.phone == "555 999 0000"
    event = AuditEvent.objects.get(action="contact.changed")
    assert event.details["fields"] == ["phone"]


def test_a_new_email_ends_the_links_sent_to_the_old_one(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    link = live_link_to(pat, owner)
    url = at(casey.practice, "clients:edit_contact", casey.public_id, pat.public_id)
    front_desk_http.post(url, GOOD | {"email": "pat.new@example.com"})
    link.refresh_from_db()
    assert link.revoked_reason == RevokeReason.EMAIL_CHANGED
    event = AuditEvent.objects.get(action="contact.changed")
    assert event.details["old_email"] == "pat@example.com"
    assert event.details["links_revoked"] == 1


def test_turning_portal_access_off_ends_the_contacts_links(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    link = live_link_to(pat, owner)
    url = at(casey.practice, "clients:edit_contact", casey.public_id, pat.public_id)
    front_desk_http.post(url, GOOD | {"email": "pat@example.com", "portal_access_enabled": ""})
    link.refresh_from_db()
    assert link.revoked_reason == RevokeReason.ACCESS_DISABLED


def test_a_removed_contact_disappears_from_the_page_and_their_links_die(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    link = live_link_to(pat, owner)
    url = at(casey.practice, "clients:remove_contact", casey.public_id, pat.public_id)
    assert front_desk_http.post(url).status_code == 302
    pat.refresh_from_db()
    link.refresh_from_db()
    assert pat.removed_at is not None
    assert link.revoked_reason == RevokeReason.CONTACT_REMOVED
    assert AuditEvent.objects.filter(action="contact.removed").count() == 1
    front_desk_http.get(at(casey.practice, "clients:people", casey.public_id))  # the message
    html = front_desk_http.get(at(casey.practice, "clients:people", casey.public_id)).content
    assert b"Pat Parent" not in html and b"No people yet." in html
    edit = at(casey.practice, "clients:edit_contact", casey.public_id, pat.public_id)
    assert front_desk_http.get(edit).status_code == 404


def test_no_date_of_birth_goes_into_contact_audit_details(
    casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    post(front_desk_http, casey)
    for event in AuditEvent.objects.filter(action__startswith="contact."):
        assert "1990" not in str(event.details)


def test_the_people_page_costs_the_same_queries_for_one_or_ten_contacts(
    casey: Client, owner: User, front_desk_http: HttpClient, django_assert_max_num_queries: Any
) -> None:
    url = at(casey.practice, "clients:people", casey.public_id)
    pat = make_contact(casey, owner)
    record_consent(pat, kind="telehealth", given=True, by=Actor.for_user(owner))
    front_desk_http.get(url)
    warm_top_bar(casey.practice)
    # 15: the page's 12, the check that this read was already audited (audit/reads.py),
    # the top bar's unread-messages number (portico.messaging.context_processors) and
    # its Access problems count (one cache read, portico/problems/counts.py).
    with django_assert_max_num_queries(15) as one:
        front_desk_http.get(url)
    for i in range(9):
        contact = make_contact(casey, owner, first_name=f"P{i}")
        record_consent(contact, kind="treatment", given=True, by=Actor.for_user(owner))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert front_desk_http.get(url).status_code == 200


def _urls(client: Client, contact: Contact) -> list[str]:
    p = client.practice
    return [
        at(p, "clients:people", client.public_id),
        at(p, "clients:add_contact", client.public_id),
        at(p, "clients:edit_contact", client.public_id, contact.public_id),
        at(p, "clients:remove_contact", client.public_id, contact.public_id),
        at(p, "clients:contact_consent", client.public_id, contact.public_id),
        at(p, "clients:coming_of_age_review", client.public_id),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_on_every_people_url(
    method: str, casey: Client, owner: User, birch: Practice, outsider_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    for url in _urls(casey, pat):
        # His own practice, Maple's ids: nothing there.
        own = url.replace(f"/p/{casey.practice.slug}/", f"/p/{birch.slug}/")
        assert getattr(outsider_http, method)(own).status_code == 404, own
    pat.refresh_from_db()
    assert pat.removed_at is None and pat.telehealth_consent_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_contact_of_another_client_is_a_404(
    method: str, casey: Client, noah: Client, owner: User, owner_http: HttpClient
) -> None:
    pat = make_contact(casey, owner)
    p = casey.practice
    for name in ("clients:edit_contact", "clients:remove_contact", "clients:contact_consent"):
        url = at(p, name, noah.public_id, pat.public_id)
        assert getattr(owner_http, method)(url).status_code == 404, name
    pat.refresh_from_db()
    assert pat.removed_at is None


def test_portal_users_get_404_on_the_people_pages(
    casey: Client, owner: User, maple: Practice
) -> None:
    pat = make_contact(casey, owner)
    portal_user = create_portal_account(
        access_of(casey), username="casey", email="casey@example.com"
    )
    http = HttpClient()
    http.force_login(portal_user)
    for url in _urls(casey, pat):
        assert http.get(url).status_code == 404, url
        assert http.post(url).status_code == 404, url
    assert http.get(at(maple, "clients:reviews")).status_code == 404
