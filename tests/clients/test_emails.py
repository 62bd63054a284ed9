"""A client's addresses: exactly one default, the star moves, links to old addresses die."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.links import issue_link
from portico.access.models import AccessLink, LinkPurpose, RevokeReason
from portico.access.people import change_client_email, remove_client_email
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.actions import (
    add_client_email,
    confirm_client_email,
    set_default_client_email,
)
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice
from tests.cast import access_of, at


def defaults(client: Client) -> list[str]:
    return list(client.emails.filter(is_default=True).values_list("address", flat=True))


def invite(client: Client, owner: User, email: str) -> AccessLink:
    return issue_link(
        client.practice,
        purpose=LinkPurpose.CLIENT_INVITE,
        email=email,
        lifetime=timedelta(hours=48),
        created_by=owner,
        subject=access_of(client),
    ).link


def test_the_first_address_of_a_client_becomes_the_default(noah: Client, owner: User) -> None:
    add_client_email(noah, by=Actor.for_user(owner), address="Noah@Example.COM")
    assert defaults(noah) == ["Noah@example.com"]


def test_a_second_address_does_not_take_the_star(casey: Client, owner: User) -> None:
    add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    assert defaults(casey) == ["casey@example.com"]


def test_the_same_address_twice_is_refused(casey: Client, owner: User) -> None:
    with pytest.raises(ValidationError, match="already one of this client's addresses"):
        add_client_email(casey, by=Actor.for_user(owner), address="CASEY@example.com")
    assert casey.emails.count() == 1


def test_make_default_moves_the_star_and_keeps_exactly_one(casey: Client, owner: User) -> None:
    other = add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    set_default_client_email(other, by=Actor.for_user(owner))
    assert defaults(casey) == ["casey@work.example"]
    event = AuditEvent.objects.filter(action="client.default_email_changed").get()
    assert event.details == {
        "old_address": "casey@example.com",
        "new_address": "casey@work.example",
    }


def test_removing_the_default_promotes_the_next_address(casey: Client, owner: User) -> None:
    add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    default = casey.emails.get(is_default=True)
    new_default = remove_client_email(default, by=Actor.for_user(owner))
    assert new_default is not None and new_default.address == "casey@work.example"
    assert defaults(casey) == ["casey@work.example"]


def test_removing_the_last_address_leaves_none(casey: Client, owner: User) -> None:
    assert remove_client_email(casey.emails.get(), by=Actor.for_user(owner)) is None
    assert casey.emails.count() == 0


def test_changing_an_address_revokes_live_links_sent_to_the_old_one(
    casey: Client, owner: User
) -> None:
    link = invite(casey, owner, "casey@example.com")
    email = casey.emails.get()
    change_client_email(email, by=Actor.for_user(owner), address="casey@new.example")
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_reason == RevokeReason.EMAIL_CHANGED
    event = AuditEvent.objects.filter(action="client.email_changed").get()
    assert event.details["old_address"] == "casey@example.com"
    assert event.details["new_address"] == "casey@new.example"
    assert event.details["links_revoked"] == 1


def test_removing_an_address_revokes_its_live_links_but_not_others(
    casey: Client, owner: User
) -> None:
    second = add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    link = invite(casey, owner, "casey@work.example")
    remove_client_email(second, by=Actor.for_user(owner))
    link.refresh_from_db()
    assert link.revoked_reason == RevokeReason.EMAIL_CHANGED
    kept = invite(casey, owner, "casey@example.com")
    add_client_email(casey, by=Actor.for_user(owner), address="casey@third.example")
    kept.refresh_from_db()
    assert kept.revoked_at is None


def test_changing_an_address_clears_its_bounce_mark(casey: Client, owner: User) -> None:
    email = casey.emails.get()
    ClientEmail.objects.filter(pk=email.pk).update(
        bounced_at=timezone.now(), bounce_reason="550 no such user"
    )
    email.refresh_from_db()
    change_client_email(email, by=Actor.for_user(owner), address="casey@fixed.example")
    email.refresh_from_db()
    assert email.bounced_at is None and email.bounce_reason == ""


def test_the_address_is_right_clears_the_bounce_and_is_audited(casey: Client, owner: User) -> None:
    email = casey.emails.get()
    ClientEmail.objects.filter(pk=email.pk).update(
        bounced_at=timezone.now(), bounce_reason="mailbox full"
    )
    email.refresh_from_db()
    confirm_client_email(email, by=Actor.for_user(owner))
    email.refresh_from_db()
    assert email.bounced_at is None
    assert AuditEvent.objects.filter(action="client.email_confirmed").count() == 1


def test_the_personal_information_page_moves_the_star(
    maple: Practice, casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    other = add_client_email(casey, by=Actor.for_user(owner), address="casey@work.example")
    response = front_desk_http.post(
        at(maple, "clients:make_default_email", casey.public_id, other.pk)
    )
    assert response.status_code == 302
    assert defaults(casey) == ["casey@work.example"]
    page = front_desk_http.get(at(maple, "clients:personal_information", casey.public_id))
    html = page.content.decode()
    assert html.index("casey@work.example") < html.index("casey@example.com")
    assert "★</span> Default" in html


def test_a_bounced_address_is_explained_with_a_way_to_confirm_it(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    email = casey.emails.get()
    ClientEmail.objects.filter(pk=email.pk).update(
        bounced_at=timezone.now(), bounce_reason="550 mailbox unavailable"
    )
    page = owner_http.get(at(maple, "clients:personal_information", casey.public_id))
    html = page.content.decode()
    assert "Email to this address bounced on" in html
    assert "550 mailbox unavailable. Check the address or confirm it is right." in html
    assert "The address is right" in html
    owner_http.post(at(maple, "clients:confirm_email", casey.public_id, email.pk))
    email.refresh_from_db()
    assert email.bounced_at is None


def test_changing_an_address_through_the_page_offers_the_invitation(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    email = casey.emails.get()
    response = owner_http.post(
        at(maple, "clients:change_email", casey.public_id, email.pk),
        {"email": "casey@new.example"},
        follow=True,
    )
    html = response.content.decode()
    assert "You can now send the portal invitation to casey@new.example" in html
    assert "Links sent to casey@example.com no longer work" in html


def test_a_get_never_changes_an_address(
    maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    email = casey.emails.get()
    for name in ("clients:remove_email", "clients:make_default_email", "clients:confirm_email"):
        assert owner_http.get(at(maple, name, casey.public_id, email.pk)).status_code == 405
    assert casey.emails.count() == 1
