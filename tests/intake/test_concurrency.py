"""Races only PostgreSQL's row locks can show: many submits of one form at once."""

from __future__ import annotations

import pytest

from portico.access.queries import own_access
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import Action
from portico.clients.models import Client
from portico.intake import actions
from portico.intake.answers import AnswersForm
from portico.intake.models import Assignment, AssignmentStatus
from portico.practices.models import Practice
from tests.access.test_concurrency import _race
from tests.cast import by
from tests.intake.helpers import about_you, full_answers, portal_user_for, questions

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_race_at_a_time"),
]


def test_twenty_concurrent_submits_of_one_form_record_one_submission(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    access = own_access(casey)
    assert access is not None and access.user == user
    asked = questions(form)
    bound = AnswersForm(full_answers(form), questions=asked)
    assert bound.is_valid()

    def submit() -> object:
        fresh = Assignment.objects.select_related("client__practice", "form", "version").get(
            pk=assignment.pk
        )
        return actions.submit_form(
            fresh, access=access, by=by(user), questions=asked, answers=bound.answers()
        )

    results = _race(20, submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assert results.count(False) == 19
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert AuditEvent.objects.filter(action=Action.FORM_SUBMITTED).count() == 1


def test_a_draft_save_racing_a_submit_never_undoes_the_submission(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    user = portal_user_for(casey, owner)
    access = own_access(casey)
    assert access is not None
    asked = questions(form)
    bound = AnswersForm(full_answers(form), questions=asked)
    assert bound.is_valid()
    calls = iter(range(20))

    def save_or_submit() -> object:
        fresh = Assignment.objects.select_related("client__practice", "form", "version").get(
            pk=assignment.pk
        )
        if next(calls) % 2:
            return ("saved", actions.save_draft(fresh, access=access, by=by(user), answers={}))
        return actions.submit_form(
            fresh, access=access, by=by(user), questions=asked, answers=bound.answers()
        )

    results = _race(20, save_or_submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert assignment.answers  # no later draft save emptied it
