"""Filling a form in the portal: drafts on the server, errors that keep what was typed,
one submission however many clicks, parents filling a child's form, access ending mid-draft."""

from __future__ import annotations

from portico.access.models import RevokeReason
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.intake import actions
from portico.intake.models import Assignment, AssignmentStatus, QuestionKind
from portico.practices.models import PortalFeature, Practice
from tests.cast import (
    Family,
    access_of,
    at,
    by,
    end_contact_access,
    invite,
    make_client,
    register_new,
)
from tests.intake.helpers import (
    about_you,
    consent,
    fill_url,
    full_answers,
    portal_http,
    portal_user_for,
    questions,
)


def test_a_draft_saved_on_one_device_is_there_on_another(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    first = questions(form)[0]
    phone, laptop = portal_http(user), portal_http(user)
    response = phone.post(
        fill_url(maple, assignment), {f"q{first.pk}": "Case", "action": "save"}, follow=True
    )
    assert "Your answers are saved" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DRAFT
    assert assignment.answers == {str(first.pk): "Case"}
    assert assignment.last_saved_by == access_of(casey)
    page = laptop.get(fill_url(maple, assignment)).content.decode()
    assert 'value="Case"' in page
    assert "Draft last saved" in page


def test_errors_are_per_field_and_nothing_typed_is_lost(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    short = next(q for q in questions(form) if q.kind == QuestionKind.SHORT_TEXT)
    date = next(q for q in questions(form) if q.kind == QuestionKind.DATE)
    data = full_answers(form, **{f"q{date.pk}": "31/12/2025"})
    data[f"q{short.pk}"] = "Casey <typed this>"
    response = http.post(fill_url(maple, assignment), {**data, "action": "submit"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date as MM/DD/YYYY" in page
    assert f'aria-describedby="id_q{date.pk}_error"' in page
    assert "Casey &lt;typed this&gt;" in page  # kept, escaped
    assert "Trouble sleeping since the spring." in page
    assert "31/12/2025" in page
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.TO_DO
    assert assignment.answers == {}


def test_submitting_records_answers_signature_time_and_ip_and_who(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    response = portal_http(user).post(
        fill_url(maple, assignment),
        {**full_answers(form), "action": "submit"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.submitted_by == access_of(casey)
    assert assignment.submitted_by_user == user
    signature = next(q for q in questions(form) if q.kind == QuestionKind.SIGNATURE)
    signed = assignment.answers[str(signature.pk)]
    assert signed["full_name"] == "Casey Client"
    assert signed["agreed"] is True
    assert signed["ip"] == "203.0.113.9"
    assert signed["signed_at"].startswith(str(assignment.submitted_at.date()))  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action=Action.FORM_SUBMITTED)
    assert event.details["by"] == "the client"
    assert "Casey Client" not in str(event.details)  # no answers in the audit log
    assert "Trouble sleeping" not in str(event.details)


def test_after_submitting_the_next_form_comes_then_the_list(
    maple: Practice, owner: User, casey: Client
) -> None:
    first = actions.send_form(casey, about_you(maple, owner), by=by(owner)).assignment
    second_form = consent(maple, owner)
    second = actions.send_form(casey, second_form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    response = http.post(fill_url(maple, first), {**full_answers(first.form), "action": "submit"})
    assert response["Location"] == fill_url(maple, second)
    response = http.post(
        fill_url(maple, second), {**full_answers(second_form), "action": "submit"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == at(maple, "portal_forms:list")
    assert "You have no more forms to fill in." in page
    assert "Done" in page


def test_a_second_submit_records_one_submission(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    tab_one, tab_two = portal_http(user), portal_http(user)
    tab_one.get(fill_url(maple, assignment))
    tab_two.get(fill_url(maple, assignment))
    data = {**full_answers(form), "action": "submit"}
    tab_one.post(fill_url(maple, assignment), data)
    changed = {**data, f"q{questions(form)[0].pk}": "Someone else"}
    response = tab_two.post(fill_url(maple, assignment), changed, follow=True)
    assert "already submitted" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.FORM_SUBMITTED).count() == 1
    assignment.refresh_from_db()
    assert assignment.answers[str(questions(form)[0].pk)] == "Casey"
    # A draft save after the submission changes nothing either.
    tab_two.post(fill_url(maple, assignment), {**changed, "action": "save"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.answers[str(questions(form)[0].pk)] == "Casey"


def test_a_parent_completes_a_childs_form_and_the_submission_says_so(
    maple: Practice, owner: User, family: Family
) -> None:
    form = consent(maple, owner)
    assignment = actions.send_form(family.mia, form, by=by(owner)).assignment
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    http = portal_http(pat)
    response = http.get(at(maple, "portal_forms:list"))
    assert "Forms for Mia" in response.content.decode()
    http.post(fill_url(maple, assignment), {**full_answers(form), "action": "submit"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.submitted_by == access_of(family.pat_for_mia)
    assert assignment.submitted_by_user == pat
    event = AuditEvent.objects.get(action=Action.FORM_SUBMITTED)
    assert event.client == family.mia
    assert event.details["by"] == "Pat Parent (parent)"


def test_a_contact_whose_access_ended_mid_draft_is_refused_and_the_draft_stays(
    maple: Practice, owner: User, family: Family
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(family.mia, form, by=by(owner)).assignment
    pat = register_new(invite(family.pat_for_mia, owner), username="pat")
    http = portal_http(pat)
    first = questions(form)[0]
    http.post(fill_url(maple, assignment), {f"q{first.pk}": "Mia", "action": "save"})
    end_contact_access(family.pat_for_mia, by=by(owner), reason=RevokeReason.REVOKED_BY_STAFF)
    response = http.post(fill_url(maple, assignment), {**full_answers(form), "action": "submit"})
    assert response.status_code in (302, 403)
    assert fill_url(maple, assignment) not in response.get("Location", "")
    assert http.get(fill_url(maple, assignment)).status_code in (302, 403)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DRAFT
    assert assignment.client == family.mia
    assert assignment.answers == {str(first.pk): "Mia"}


def test_another_clients_form_is_a_404(
    maple: Practice, owner: User, casey: Client, family: Family
) -> None:
    form = consent(maple, owner)
    mias = actions.send_form(family.mia, form, by=by(owner)).assignment
    casey_http = portal_http(portal_user_for(casey, owner))
    assert casey_http.get(fill_url(maple, mias)).status_code == 404
    response = casey_http.post(fill_url(maple, mias), {**full_answers(form), "action": "submit"})
    assert response.status_code == 404
    mias.refresh_from_db()
    assert mias.status == AssignmentStatus.TO_DO


def test_a_portal_user_of_another_practice_gets_nothing(
    maple: Practice, owner: User, casey: Client, birch: Practice, outsider: User
) -> None:
    form = consent(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    stranger = make_client(birch, outsider, "Sam", "Stranger", emails=("sam@example.com",))
    http = portal_http(portal_user_for(stranger, outsider, username="sam"))
    assert http.get(at(birch, "portal_forms:fill", assignment.public_id)).status_code == 404
    assert http.get(at(maple, "portal_forms:fill", assignment.public_id)).status_code == 302


def test_with_forms_off_every_portal_forms_page_is_a_404(
    maple: Practice, owner: User, casey: Client
) -> None:
    assignment = actions.send_form(casey, consent(maple, owner), by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    maple.portal_features = [PortalFeature.MESSAGES.value]
    maple.save(update_fields=["portal_features"])
    assert http.get(at(maple, "portal_forms:list")).status_code == 404
    assert http.get(fill_url(maple, assignment)).status_code == 404


def test_the_list_sorts_forms_into_to_do_in_progress_and_done(
    maple: Practice, owner: User, casey: Client
) -> None:
    about = actions.send_form(casey, about_you(maple, owner), by=by(owner)).assignment
    actions.send_form(casey, consent(maple, owner), by=by(owner))
    http = portal_http(portal_user_for(casey, owner))
    http.post(fill_url(maple, about), {"action": "save"})
    page = http.get(at(maple, "portal_forms:list")).content.decode()
    assert page.index("In progress") < page.index("About you") < page.index("To do")
    assert page.index("To do") < page.index("Consent for services")
    assert Assignment.objects.filter(status=AssignmentStatus.DRAFT).count() == 1


def test_a_reopened_form_shows_the_note_and_can_be_submitted_again(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = consent(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    http.post(fill_url(maple, assignment), {**full_answers(form), "action": "submit"})
    assignment.refresh_from_db()
    actions.reopen_form(assignment, by=by(owner), note="Please sign with your legal name.")
    page = http.get(fill_url(maple, assignment)).content.decode()
    assert "Please sign with your legal name." in page
    assert 'value="Casey Client"' in page
    http.post(fill_url(maple, assignment), {**full_answers(form), "action": "submit"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert AuditEvent.objects.filter(action=Action.FORM_SUBMITTED).count() == 2
