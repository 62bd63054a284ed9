from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import (
    disable_portal_access,
    enable_portal_access,
    send_invite,
    set_temporary_password,
    unlock_portal_account,
)
from portico.access.models import AccessLink
from portico.access.people import change_client_email, resolve_coming_of_age_review
from portico.access.queries import portal_account_for
from portico.access.registration import record_dob_failure
from portico.accounts.lockout import register_failure
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client, ComingOfAgeReview
from portico.mail.models import EmailStatus, OutboundEmail
from portico.messaging.actions import send_staff_message
from portico.practices.models import Practice
from portico.problems.queries import access_problems
from tests.cast import Family, at, by, invite, make_client
from tests.intake import staff_page_values as intake_values

LATER = timedelta(days=3)


def kinds(practice: Practice, when: object = None) -> list[tuple[str, str]]:
    moment = when or timezone.now()
    return [(p.kind, p.client.first_name) for p in access_problems(practice, moment)]  # type: ignore[arg-type]


def test_nobody_is_stuck_in_a_new_practice(maple: Practice, casey: Client) -> None:
    assert kinds(maple) == []


def test_a_bounced_invitation_shows_the_reason_and_goes_when_resent_to_a_fixed_address(
    maple: Practice, casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(
        status=EmailStatus.BOUNCED, status_detail="Mailbox does not exist"
    )
    [problem] = access_problems(maple, timezone.now())
    assert problem.kind == "bounced"
    assert problem.reason == (
        "Invitation to casey@example.com bounced: Mailbox does not exist — fix the address"
    )
    change_client_email(casey.emails.get(), by=by(owner), address="casey.new@example.com")
    assert kinds(maple) == [("bounced", "Casey")]  # still needs a new invitation
    send_invite(casey, by=by(owner))
    assert kinds(maple) == []


def test_a_complained_invitation_appears_and_goes_when_resent(
    maple: Practice, casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.COMPLAINED)
    assert kinds(maple) == [("complained", "Casey")]
    send_invite(casey, by=by(owner))
    assert kinds(maple) == []


def test_an_expired_invitation_appears_and_goes_when_resent(
    maple: Practice, casey: Client, owner: User
) -> None:
    send_invite(casey, by=by(owner))
    assert kinds(maple) == []  # still waiting: not a problem yet
    with time_machine.travel(timezone.now() + LATER):
        [problem] = access_problems(maple, timezone.now())
        assert problem.kind == "expired"
        assert "was not resent" in problem.reason
        send_invite(casey, by=by(owner))
        assert kinds(maple) == []


def test_wrong_dates_of_birth_appear_and_go_when_resent(
    maple: Practice, casey: Client, owner: User
) -> None:
    link = send_invite(casey, by=by(owner)).link
    for _ in range(5):
        record_dob_failure(link, by=Actor.system(), at=timezone.now())
    [problem] = access_problems(maple, timezone.now())
    assert problem.kind == "dob_failures"
    assert "wrong dates of birth" in problem.reason
    send_invite(casey, by=by(owner))
    assert kinds(maple) == []


def test_a_locked_account_appears_and_goes_when_unlocked(
    maple: Practice, casey: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    account = portal_account_for(casey)
    assert account is not None
    for _ in range(5):
        register_failure(account, by=Actor.system())
    assert kinds(maple) == [("locked", "Casey")]
    unlock_portal_account(casey, by=by(owner))
    assert kinds(maple) == []


def test_an_expired_temporary_password_appears_and_goes_when_a_new_one_is_set(
    maple: Practice, casey: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    assert kinds(maple) == []
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        [problem] = access_problems(maple, timezone.now())
        assert problem.kind == "temporary_password"
        assert "expired unused" in problem.reason
        set_temporary_password(casey, by=by(owner))
        assert kinds(maple) == []


def test_access_off_matters_once_the_practice_sent_something_and_goes_when_turned_on(
    maple: Practice, casey: Client, owner: User
) -> None:
    set_temporary_password(casey, by=by(owner))
    disable_portal_access(casey, by=by(owner))
    assert kinds(maple) == []  # off on purpose, nothing waiting
    send_staff_message(casey, by=by(owner), body="Your appointment moved.")
    [problem] = access_problems(maple, timezone.now())
    assert problem.kind == "access_off"
    assert "sent a message" in problem.reason and "Your appointment" not in problem.reason
    enable_portal_access(casey, by=by(owner))
    assert kinds(maple) == []


def test_a_client_who_came_of_age_appears_until_the_review_is_done(
    maple: Practice, casey: Client, owner: User
) -> None:
    review = ComingOfAgeReview.objects.create(
        practice=maple, client=casey, came_of_age_on=timezone.localdate(), created_at=timezone.now()
    )
    [problem] = access_problems(maple, timezone.now())
    assert problem.kind == "coming_of_age"
    assert problem.fix_url.endswith(f"/clients/{casey.public_id}/coming-of-age/")
    resolve_coming_of_age_review(review, by=by(owner))
    assert kinds(maple) == []


def test_newest_first_and_filtered_by_kind(
    maple: Practice, casey: Client, noah: Client, owner: User, owner_http: HttpClient
) -> None:
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    ComingOfAgeReview.objects.create(
        practice=maple, client=noah, came_of_age_on=timezone.localdate(), created_at=timezone.now()
    )
    assert kinds(maple) == [("coming_of_age", "Noah"), ("bounced", "Casey")]
    page = owner_http.get(at(maple, "problems:list"), {"kind": "bounced"})
    assert page.status_code == 200
    assert b"casey@example.com bounced" in page.content
    assert b"Noah" not in page.content.split(b"<h1>")[1]


def test_the_top_bar_links_to_the_page(maple: Practice, front_desk_http: HttpClient) -> None:
    page = front_desk_http.get(at(maple, "clients:list")).content.decode()
    assert f'href="{at(maple, "problems:list")}"' in page


def test_an_outsider_sees_only_their_own_practice(
    maple: Practice, birch: Practice, casey: Client, owner: User, outsider_http: HttpClient
) -> None:
    link = send_invite(casey, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    assert access_problems(birch, timezone.now()) == []
    # Maple's page with a Birch session: sent to sign in, never shown.
    assert outsider_http.get(at(maple, "problems:list")).status_code in (302, 404)
    own = outsider_http.get(at(birch, "problems:list"))
    assert own.status_code == 200 and b"casey" not in own.content.lower()


def test_the_list_takes_the_same_number_of_queries_for_5_or_50_clients(
    maple: Practice, owner: User, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def stuck(count: int, start: int) -> None:
        for number in range(start, start + count):
            client = make_client(
                maple, owner, f"C{number}", "P", emails=(f"c{number}@example.com",)
            )
            kind = number % 4
            if kind == 0:
                link = send_invite(client, by=by(owner)).link
                OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
            elif kind == 1:
                set_temporary_password(client, by=by(owner))
                disable_portal_access(client, by=by(owner))
                send_staff_message(client, by=by(owner), body="Hello")
            elif kind == 2:
                set_temporary_password(client, by=by(owner))
                account = portal_account_for(client)
                assert account is not None
                for _ in range(5):
                    register_failure(account, by=Actor.system())
            else:
                ComingOfAgeReview.objects.create(
                    practice=maple,
                    client=client,
                    came_of_age_on=timezone.localdate(),
                    created_at=timezone.now(),
                )

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = access_problems(maple, timezone.now())
        return len(queries), len(found)

    stuck(5, 0)
    few_queries, few = counted()
    stuck(45, 5)
    many_queries, many = counted()
    assert (few, many) == (5, 50)
    assert few_queries == many_queries <= 15
    assert AccessLink.objects.count() > 0


def test_a_parents_bounced_invitation_names_the_parent_and_points_to_the_people_tab(
    maple: Practice, family: Family, owner: User
) -> None:
    link = invite(family.pat_for_mia, owner)
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)
    [problem] = access_problems(maple, timezone.now())
    assert problem.kind == "bounced"
    assert problem.person_name == "Pat Parent (parent of Mia Parent)"
    assert problem.fix_url.endswith(f"/clients/{family.mia.public_id}/people/")
    invite(family.pat_for_mia, owner)
    assert kinds(maple) == []


def test_a_form_sent_while_access_is_off_appears_until_access_is_on(
    maple: Practice, casey: Client, owner: User, front_desk: User
) -> None:
    disable_portal_access(casey, by=by(owner))
    intake_values.build(casey, staff_member=front_desk, by=owner)
    [problem] = access_problems(maple, timezone.now())
    assert (problem.kind, problem.fix_label) == ("access_off", "Turn access on")
    assert "sent a form" in problem.reason
    enable_portal_access(casey, by=by(owner))
    assert kinds(maple) == []


def test_every_client_worker_may_see_the_page(
    maple: Practice, front_desk_http: HttpClient, owner_http: HttpClient
) -> None:
    for http in (front_desk_http, owner_http):
        page = http.get(at(maple, "problems:list"))
        assert page.status_code == 200
        assert b"Nobody is stuck" in page.content
