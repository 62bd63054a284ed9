"""Coming of age: one review on the right day, nothing changed until staff decide."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client as HttpClient

from portico.access.models import AccessLink, RevokeReason
from portico.access.people import add_contact
from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.minors import find_clients_coming_of_age
from portico.clients.models import Client, ComingOfAgeReview, Contact
from portico.practices.models import Practice
from tests.cast import at, make_client
from tests.clients.test_contacts import live_link_to

BORN = date(2007, 11, 21)  # 18 on Nov 21, 2025


@pytest.fixture
def young_casey(maple: Practice, owner: User) -> Client:
    """Casey, added at 15 with her own access off, and her mother Pat with portal access."""
    with time_machine.travel("2023-01-10 15:00Z"):
        casey = make_client(
            maple, owner, "Casey", "Young", dob=BORN, emails=("casey.young@example.com",),
            portal_access_enabled=False,
        )  # fmt: skip
        add_contact(
            casey, by=Actor.for_user(owner), first_name="Pat", last_name="Young",
            relationship="parent", email="pat@example.com", is_primary=True,
            portal_access_enabled=True,
        )  # fmt: skip
    return casey


def pat(client: Client) -> Contact:
    return Contact.objects.get(client=client, first_name="Pat")


def test_no_review_the_day_before_the_birthday(young_casey: Client) -> None:
    # 23:30 in New York on Nov 20 is already Nov 21 in UTC: the practice's day counts.
    with time_machine.travel("2025-11-21 04:30Z"):
        assert find_clients_coming_of_age() == []
    assert not ComingOfAgeReview.objects.exists()


def test_one_review_appears_on_the_birthday_and_only_once(young_casey: Client) -> None:
    with time_machine.travel("2025-11-21 05:30Z"):  # 00:30 in New York
        created = find_clients_coming_of_age()
        assert [r.client_id for r in created] == [young_casey.pk]
        assert find_clients_coming_of_age() == []
        call_command("review_coming_of_age", verbosity=0)
    review = ComingOfAgeReview.objects.get()
    assert review.came_of_age_on == date(2025, 11, 21) and review.is_open


def test_a_missed_day_is_caught_up(young_casey: Client) -> None:
    with time_machine.travel("2025-11-25 15:00Z"):
        assert len(find_clients_coming_of_age()) == 1
    assert ComingOfAgeReview.objects.get().came_of_age_on == date(2025, 11, 21)


def test_a_client_added_as_an_adult_gets_no_review(maple: Practice, owner: User) -> None:
    with time_machine.travel("2025-11-22 15:00Z"):
        make_client(maple, owner, "Adam", "Adult", dob=BORN)
        assert find_clients_coming_of_age() == []


def test_the_review_changes_nothing_by_itself(young_casey: Client, owner: User) -> None:
    with time_machine.travel("2025-11-20 15:00Z"):
        link = live_link_to(pat(young_casey), owner)
    with time_machine.travel("2025-11-21 15:00Z"):
        find_clients_coming_of_age()
    young_casey.refresh_from_db()
    link.refresh_from_db()
    assert not access_is_on(young_casey)
    assert access_is_on(pat(young_casey))
    assert link.revoked_at is None
    assert not AccessLink.objects.filter(
        access__client=young_casey, access__contact__isnull=True
    ).exists()


@time_machine.travel("2025-11-21 15:00Z")
def test_staff_see_the_banner_and_the_count(
    young_casey: Client, front_desk_http: HttpClient
) -> None:
    find_clients_coming_of_age()
    maple = young_casey.practice
    page = front_desk_http.get(at(maple, "clients:detail", young_casey.public_id)).content
    assert b"Casey turned 18 on Nov 21.</strong> Review who can use the portal for them." in page
    listing = front_desk_http.get(at(maple, "clients:list")).content.decode()
    assert "Coming-of-age reviews" in listing
    reviews = front_desk_http.get(at(maple, "clients:reviews")).content.decode()
    assert "Young, Casey" in reviews


@time_machine.travel("2025-11-21 15:00Z")
def test_a_decision_is_needed_for_each_contact(
    young_casey: Client, front_desk_http: HttpClient
) -> None:
    find_clients_coming_of_age()
    url = at(young_casey.practice, "clients:coming_of_age_review", young_casey.public_id)
    response = front_desk_http.post(url, {})
    assert "Choose Keep access or End access for Pat Young." in response.content.decode()
    assert ComingOfAgeReview.objects.get().is_open


@time_machine.travel("2025-11-21 15:00Z")
def test_ending_a_contacts_access_and_inviting_the_client_do_what_they_say(
    young_casey: Client, owner: User, front_desk: User, front_desk_http: HttpClient
) -> None:
    link = live_link_to(pat(young_casey), owner)
    find_clients_coming_of_age()
    url = at(young_casey.practice, "clients:coming_of_age_review", young_casey.public_id)
    field = f"contact_{pat(young_casey).public_id}"
    response = front_desk_http.post(url, {field: "end", "invite_client": "on"})
    assert response.status_code == 302
    young_casey.refresh_from_db()
    link.refresh_from_db()
    assert not access_is_on(pat(young_casey))
    assert link.revoked_reason == RevokeReason.ACCESS_DISABLED
    assert access_is_on(young_casey)
    invite = AccessLink.objects.get(access__client=young_casey, access__contact__isnull=True)
    assert invite.email == "casey.young@example.com"
    review = ComingOfAgeReview.objects.get()
    assert review.resolved_by == front_desk and not review.is_open
    event = AuditEvent.objects.get(action="client.coming_of_age.reviewed")
    assert event.details["ended_access"] == ["Pat Young"]
    assert event.details["invitation"] == "sent to casey.young@example.com"
    assert "2007" not in str(event.details) and "11-21" not in str(event.details)
    # Resolved: the banner is gone, and a second decision is refused.
    page = front_desk_http.get(at(young_casey.practice, "clients:detail", young_casey.public_id))
    assert b"Review who can use the portal" not in page.content
    front_desk_http.post(url, {field: "keep"})
    assert AuditEvent.objects.filter(action="client.coming_of_age.reviewed").count() == 1


@time_machine.travel("2025-11-21 15:00Z")
def test_keeping_access_changes_nothing_but_closes_the_review(
    young_casey: Client, owner: User, front_desk_http: HttpClient
) -> None:
    link = live_link_to(pat(young_casey), owner)
    find_clients_coming_of_age()
    url = at(young_casey.practice, "clients:coming_of_age_review", young_casey.public_id)
    front_desk_http.post(url, {f"contact_{pat(young_casey).public_id}": "keep"})
    young_casey.refresh_from_db()
    link.refresh_from_db()
    assert access_is_on(pat(young_casey)) and link.revoked_at is None
    assert not access_is_on(young_casey)
    assert not ComingOfAgeReview.objects.get().is_open
    assert AuditEvent.objects.get(action="client.coming_of_age.reviewed").details[
        "kept_access"
    ] == ["Pat Young"]


@time_machine.travel("2025-11-21 15:00Z")
def test_the_outsider_gets_404_on_the_review_and_sees_no_maple_reviews(
    young_casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    find_clients_coming_of_age()
    url = at(birch, "clients:coming_of_age_review", young_casey.public_id)
    assert outsider_http.get(url).status_code == 404
    assert outsider_http.post(url, {"invite_client": "on"}).status_code == 404
    assert b"Casey" not in outsider_http.get(at(birch, "clients:reviews")).content
    assert ComingOfAgeReview.objects.get().is_open
