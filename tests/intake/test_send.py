"""Giving forms to clients: the intake set on creation, staff sending one, and its email."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import set_urlconf

from portico.access import people
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients import actions as client_actions
from portico.clients.models import Client
from portico.intake import actions
from portico.intake.models import Assignment, AssignmentStatus
from portico.intake.next_steps import steps_for
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import PortalFeature, Practice
from tests.cast import Family, at, by, invite, make_client, register_new
from tests.intake.helpers import about_you, consent, portal_user_for


def _form_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=EmailKind.FORM_WAITING).order_by("to_address"))


# --- the intake set ------------------------------------------------------------------------


def test_a_new_client_gets_the_intake_set_in_order_and_no_email_about_it(
    maple: Practice, owner: User
) -> None:
    second = consent(maple, owner, in_intake_set=True, intake_order=2)
    first = about_you(maple, owner, in_intake_set=True, intake_order=1)
    about_you(maple, owner, title="Not in the set")
    client = make_client(maple, owner, "Ada", "New", emails=("ada@example.com",))
    given = list(Assignment.objects.filter(client=client).order_by("created_at", "id"))
    assert [a.form for a in given] == [first, second]
    assert all(a.status == AssignmentStatus.TO_DO and a.sent_by is None for a in given)
    assert _form_emails() == []
    events = AuditEvent.objects.filter(action=Action.FORM_SENT, client=client)
    assert [e.details["automatic"] for e in events] == [True, True]


def test_the_intake_set_is_not_given_when_the_practice_turned_it_off(
    maple: Practice, owner: User
) -> None:
    about_you(maple, owner, in_intake_set=True)
    maple.intake_auto_assign = False
    maple.save(update_fields=["intake_auto_assign"])
    client = make_client(maple, owner, "Ada", "New")
    assert not Assignment.objects.filter(client=client).exists()


def test_the_intake_set_is_not_given_while_forms_are_off(maple: Practice, owner: User) -> None:
    about_you(maple, owner, in_intake_set=True)
    maple.portal_features = [PortalFeature.MESSAGES.value]
    maple.save(update_fields=["portal_features"])
    client = make_client(maple, owner, "Ada", "New")
    assert not Assignment.objects.filter(client=client).exists()


def test_archived_and_unpublished_forms_are_left_out_of_the_intake_set(
    maple: Practice, owner: User
) -> None:
    from portico.intake import builder

    archived = about_you(maple, owner, in_intake_set=True)
    builder.archive_form(archived, by=by(owner), archived=True)
    builder.create_form(maple, by=by(owner), title="Draft only", in_intake_set=True)
    client = make_client(maple, owner, "Ada", "New")
    assert not Assignment.objects.filter(client=client).exists()


def test_one_hook_covers_every_way_a_client_is_created(maple: Practice, owner: User) -> None:
    about_you(maple, owner, in_intake_set=True)
    direct = client_actions.add_client(
        maple, by=by(owner), first_name="A", last_name="B", date_of_birth=make_dob()
    )
    composed = people.add_client(
        maple, by=by(owner), first_name="C", last_name="D", date_of_birth=make_dob()
    )
    assert Assignment.objects.filter(client__in=[direct, composed]).count() == 2


def make_dob() -> date:
    return date(1985, 1, 1)


# --- sending -----------------------------------------------------------------------------


def test_staff_send_a_form_and_the_client_gets_a_plain_email(
    maple: Practice, owner: User, casey: Client, front_desk_http: HttpClient
) -> None:
    form = about_you(maple, owner)
    portal_user_for(casey, owner)
    response = front_desk_http.post(
        at(maple, "staff_forms:send", casey.public_id), {"form": str(form.public_id)}, follow=True
    )
    assert "was sent to Casey Client" in response.content.decode()
    (email,) = _form_emails()
    assert email.to_address == "casey@example.com"
    assert email.subject == "Maple Counseling has a form for you"
    assert "Form: About you" in email.text_body
    assert f"/p/{maple.slug}/forms/" in email.text_body
    assert email.client == casey
    assert Assignment.objects.get(client=casey).sent_by is not None


def test_a_sensitive_title_never_reaches_the_email(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner, title="Substance use screening", sensitive=True)
    portal_user_for(casey, owner)
    actions.send_form(casey, form, by=by(owner))
    (email,) = _form_emails()
    for part in (email.subject, email.text_body, email.html_body):
        assert "Substance" not in part
    assert "has a form for you" in email.text_body


def test_nobody_is_emailed_who_switched_notifications_off(
    maple: Practice, owner: User, casey: Client
) -> None:
    portal_user_for(casey, owner)
    casey.email_notifications_enabled = False
    casey.save(update_fields=["email_notifications_enabled"])
    sent = actions.send_form(casey, about_you(maple, owner), by=by(owner))
    assert sent.emailed == []
    assert _form_emails() == []


def test_a_client_without_an_account_gets_no_email_but_the_form_waits(
    maple: Practice, owner: User, casey: Client
) -> None:
    sent = actions.send_form(casey, about_you(maple, owner), by=by(owner))
    assert sent.emailed == []
    assert sent.assignment.status == AssignmentStatus.TO_DO


def test_a_minors_form_is_emailed_to_the_guardians_with_access_on(
    maple: Practice, owner: User, family: Family
) -> None:
    register_new(invite(family.pat_for_mia, owner), username="pat")
    other = people.add_contact(
        family.mia,
        by=by(owner),
        first_name="Quiet",
        last_name="Parent",
        relationship="parent",
        email="quiet@example.com",
        portal_access_enabled=True,
        email_notifications_enabled=False,
    )
    register_new(invite(other, owner), username="quiet")
    sent = actions.send_form(family.mia, consent(maple, owner), by=by(owner))
    assert sent.emailed == ["pat.parent@example.com"]
    (email,) = _form_emails()
    assert email.text_body.startswith("Hello Pat,")


@pytest.mark.parametrize("why", ["forms_off", "archived"])
def test_sending_is_refused_with_a_plain_sentence(
    maple: Practice, owner: User, casey: Client, front_desk_http: HttpClient, why: str
) -> None:
    form = about_you(maple, owner)
    if why == "forms_off":
        maple.portal_features = []
        maple.save(update_fields=["portal_features"])
        expected = "Forms are turned off for the portal"
    else:
        client_actions.archive_client(casey, by=by(owner))
        expected = "Casey Client is archived"
    response = front_desk_http.post(
        at(maple, "staff_forms:send", casey.public_id), {"form": str(form.public_id)}, follow=True
    )
    assert expected in response.content.decode()
    assert not Assignment.objects.exists()
    assert _form_emails() == []


def test_a_form_already_waiting_is_not_sent_twice(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    actions.send_form(casey, form, by=by(owner))
    with pytest.raises(actions.FormRefused, match="already has “About you” to fill in"):
        actions.send_form(casey, form, by=by(owner))
    assert Assignment.objects.count() == 1


def test_another_practice_cannot_send_to_a_client(
    maple: Practice, owner: User, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    form = about_you(maple, owner)
    response = outsider_http.post(
        at(birch, "staff_forms:send", casey.public_id), {"form": str(form.public_id)}
    )
    assert response.status_code == 404
    assert (
        outsider_http.get(at(birch, "staff_forms:client_forms", casey.public_id)).status_code == 404
    )
    assert not Assignment.objects.exists()


# --- staff reading answers ---------------------------------------------------------------


def _submitted(maple: Practice, owner: User, casey: Client) -> Assignment:
    from tests.intake.helpers import fill_url, full_answers, portal_http

    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    http.post(fill_url(maple, assignment), {**full_answers(form), "action": "submit"})
    assignment.refresh_from_db()
    return assignment


def test_staff_read_answers_print_friendly_and_the_read_is_audited_once(
    maple: Practice, owner: User, casey: Client, front_desk_http: HttpClient
) -> None:
    assignment = _submitted(maple, owner, casey)
    url = at(maple, "staff_forms:answers", casey.public_id, assignment.public_id)
    page = front_desk_http.get(url).content.decode()
    assert "Trouble sleeping since the spring." in page
    assert "intake/forms.css" in page  # the print stylesheet
    assert "Signed “Casey Client”" in page
    front_desk_http.get(url)
    events = AuditEvent.objects.filter(action=Action.FORM_ANSWERS_VIEWED)
    assert events.count() == 1
    assert "Trouble" not in str(events[0].details)


def test_staff_reopen_a_submitted_form_with_a_note(
    maple: Practice, owner: User, casey: Client, front_desk_http: HttpClient
) -> None:
    assignment = _submitted(maple, owner, casey)
    front_desk_http.post(
        at(maple, "staff_forms:reopen", casey.public_id, assignment.public_id),
        {"note": "Please add your date."},
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REOPENED
    assert assignment.reopen_note == "Please add your date."
    assert AuditEvent.objects.filter(action=Action.FORM_REOPENED).count() == 1
    with pytest.raises(actions.ReopenRefused):
        actions.reopen_form(assignment, by=by(owner), note="again")


def test_the_clients_forms_page_lists_status_and_who_submitted(
    maple: Practice, owner: User, casey: Client, front_desk_http: HttpClient
) -> None:
    _submitted(maple, owner, casey)
    actions.send_form(casey, consent(maple, owner), by=by(owner))
    page = front_desk_http.get(at(maple, "staff_forms:client_forms", casey.public_id))
    text = page.content.decode()
    assert "Submitted" in text and "To do" in text
    assert "Read answers" in text


# --- next steps ---------------------------------------------------------------------------


def test_next_steps_count_the_forms_not_submitted_and_link_the_first(
    maple: Practice, owner: User, casey: Client
) -> None:
    assert steps_for(casey, reader=None) == []
    first = actions.send_form(casey, about_you(maple, owner), by=by(owner)).assignment
    actions.send_form(casey, consent(maple, owner), by=by(owner))
    set_urlconf(settings.PRACTICE_URLCONF)  # as inside a request of the practice
    try:
        (step,) = steps_for(casey, reader=None)
    finally:
        set_urlconf(None)
    assert (step.rank, step.count) == (10, 2)
    assert step.staff_text == "2 forms not submitted yet"
    assert step.portal_text == "Complete 2 forms"
    assert step.url == f"/forms/{first.public_id}/"


def test_the_clients_forms_page_costs_the_same_queries_for_one_or_five_forms(
    maple: Practice,
    owner: User,
    casey: Client,
    front_desk_http: HttpClient,
    django_assert_max_num_queries: Any,
) -> None:
    from portico.intake import builder

    url = at(maple, "staff_forms:client_forms", casey.public_id)
    actions.send_form(casey, about_you(maple, owner), by=by(owner))
    front_desk_http.get(url)
    with django_assert_max_num_queries(12) as one:
        front_desk_http.get(url)
    for number in range(4):
        form = builder.create_form(maple, by=by(owner), title=f"Extra {number}")
        builder.add_question(form, by=by(owner), kind="short_text", label="Anything?")
        builder.publish_form(form, by=by(owner))
        form.refresh_from_db()
        actions.send_form(casey, form, by=by(owner))
    with django_assert_max_num_queries(len(one.captured_queries)):
        front_desk_http.get(url)
