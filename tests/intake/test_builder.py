"""Building forms: owners and admins only, questions in order, versions frozen once started."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.intake import actions, builder
from portico.intake.models import Assignment, AssignmentStatus, Form, FormVersion, QuestionKind
from portico.practices.models import Practice
from tests.cast import at, by
from tests.intake.helpers import about_you, full_answers, portal_http, portal_user_for, questions


def _labels(form: Form) -> list[str]:
    version = FormVersion.objects.filter(form=form).order_by("-number").first()
    assert version is not None
    return [q.label for q in version.questions.order_by("position")]


def test_the_owner_builds_a_form_without_javascript(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.post(
        at(maple, "staff_forms:new"),
        {"title": "About you", "instructions": "A few questions.", "intake_order": "1"},
    )
    form = Form.objects.get(practice=maple)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/staff/forms/{form.public_id}/")
    for label in ("Your name", "Your goals"):
        owner_http.post(
            at(maple, "staff_forms:add_question", form.public_id),
            {"label": label, "kind": "short_text", "required": "on"},
        )
    assert _labels(form) == ["Your name", "Your goals"]
    goals = FormVersion.objects.get(form=form).questions.get(label="Your goals")
    owner_http.post(
        at(maple, "staff_forms:move_question", form.public_id, goals.pk), {"direction": "up"}
    )
    assert _labels(form) == ["Your goals", "Your name"]
    owner_http.post(at(maple, "staff_forms:remove_question", form.public_id, goals.pk))
    assert _labels(form) == ["Your name"]
    owner_http.post(at(maple, "staff_forms:publish", form.public_id))
    form.refresh_from_db()
    assert form.current_version is not None and form.current_version.number == 1
    page = owner_http.get(at(maple, "staff_forms:build", form.public_id)).content.decode()
    assert "Version 1: published" in page
    assert AuditEvent.objects.filter(action=Action.FORM_VERSION_PUBLISHED).count() == 1


def test_a_choice_question_needs_two_choices(maple: Practice, owner_http: HttpClient) -> None:
    owner_http.post(at(maple, "staff_forms:new"), {"title": "Survey", "intake_order": 1})
    form = Form.objects.get(practice=maple)
    response = owner_http.post(
        at(maple, "staff_forms:add_question", form.public_id),
        {"label": "Pick one", "kind": "single_choice", "choices": "Only one"},
    )
    assert response.status_code == 200
    assert "Give at least two different choices" in response.content.decode()
    assert _labels(form) == []


def test_an_empty_form_cannot_be_published(maple: Practice, owner: User) -> None:
    form = builder.create_form(maple, by=by(owner), title="Empty")
    with pytest.raises(builder.PublishRefused):
        builder.publish_form(form, by=by(owner))


def test_front_desk_and_clinicians_cannot_build_forms(
    maple: Practice, owner: User, front_desk_http: HttpClient, clinician: User
) -> None:
    form = about_you(maple, owner)
    clinician_http = HttpClient()
    clinician_http.force_login(clinician)
    for http in (front_desk_http, clinician_http):
        assert http.get(at(maple, "staff_forms:list")).status_code == 403
        assert http.post(at(maple, "staff_forms:new"), {"title": "X"}).status_code == 403
        # An object page answers 404: nothing confirms the form exists.
        assert http.get(at(maple, "staff_forms:build", form.public_id)).status_code in (403, 404)
    assert Form.objects.count() == 1


def test_another_practice_cannot_see_or_edit_a_form(
    maple: Practice, owner: User, birch: Practice, outsider_http: HttpClient
) -> None:
    form = about_you(maple, owner)
    question = questions(form)[0]
    assert outsider_http.get(at(birch, "staff_forms:build", form.public_id)).status_code == 404
    response = outsider_http.post(
        at(birch, "staff_forms:remove_question", form.public_id, question.pk)
    )
    assert response.status_code == 404
    assert len(questions(form)) == 8


def test_editing_a_version_no_client_started_changes_it_in_place(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    actions.send_form(casey, form, by=by(owner))  # sent, not started
    edit = builder.add_question(form, by=by(owner), kind=QuestionKind.SHORT_TEXT, label="Pronouns")
    assert not edit.new_version
    assert edit.version.number == 1


def test_a_started_version_is_frozen_and_an_edit_makes_a_new_draft(
    maple: Practice, owner: User, owner_http: HttpClient, casey: Client
) -> None:
    form = about_you(maple, owner)
    started = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    portal_http(user).post(
        at(maple, "portal_forms:fill", started.public_id),
        {**full_answers(form), "action": "save"},
    )
    first = questions(form)[0]
    response = owner_http.post(
        at(maple, "staff_forms:edit_question", form.public_id, first.pk),
        {"label": "Name you go by", "kind": "short_text", "required": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "Your change went into a new draft, version 2" in page
    versions = list(FormVersion.objects.filter(form=form).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].questions.order_by("position").first().label == "Preferred name"  # type: ignore[union-attr]
    assert versions[1].questions.order_by("position").first().label == "Name you go by"  # type: ignore[union-attr]
    # Casey's draft keeps version 1 and its answers.
    started.refresh_from_db()
    assert started.version_id == versions[0].pk
    assert started.answers[str(first.pk)] == "Casey"
    # The published version stays 1 until the draft is published; then new copies get 2.
    form.refresh_from_db()
    assert form.current_version_id == versions[0].pk
    builder.publish_form(form, by=by(owner))
    form.refresh_from_db()
    assert form.current_version_id == versions[1].pk
    started.refresh_from_db()
    assert started.version_id == versions[0].pk


def test_publishing_moves_copies_nobody_has_touched_to_the_new_version(
    maple: Practice, owner: User, casey: Client, noah: Client
) -> None:
    form = about_you(maple, owner)
    touched = actions.send_form(casey, form, by=by(owner)).assignment
    untouched = actions.send_form(noah, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    portal_http(user).post(
        at(maple, "portal_forms:fill", touched.public_id), {**full_answers(form), "action": "save"}
    )
    builder.add_question(form, by=by(owner), kind=QuestionKind.YES_NO, label="Any allergies?")
    builder.publish_form(form, by=by(owner))
    touched.refresh_from_db()
    untouched.refresh_from_db()
    assert touched.version.number == 1
    assert untouched.version.number == 2
    assert untouched.status == AssignmentStatus.TO_DO


def test_settings_change_title_and_flags_at_once_and_instructions_by_version(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    portal_http(user).post(
        at(maple, "portal_forms:fill", assignment.public_id),
        {**full_answers(form), "action": "save"},
    )
    edit = builder.change_form_settings(
        form,
        by=by(owner),
        title="About you (adults)",
        instructions="New instructions.",
        sensitive=True,
        in_intake_set=True,
        intake_order=2,
    )
    assert edit is not None and edit.new_version
    form.refresh_from_db()
    assert (form.title, form.sensitive, form.in_intake_set) == ("About you (adults)", True, True)
    assert FormVersion.objects.get(form=form, number=1).instructions.startswith("Tell us")
    assert FormVersion.objects.get(form=form, number=2).instructions == "New instructions."


def test_the_preview_shows_the_questions_as_clients_see_them(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    form = about_you(maple, owner)
    page = owner_http.get(at(maple, "staff_forms:preview", form.public_id)).content.decode()
    assert "How did you hear about us?" in page
    assert "Type your full name" in page
    assert Assignment.objects.count() == 0
