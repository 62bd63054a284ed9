"""The demo's forms: an intake set of two, given to demo clients, one draft, one submitted."""

from __future__ import annotations

from portico.accounts.models import User
from portico.intake.demo import seed_forms_demo
from portico.intake.models import Assignment, AssignmentStatus, Form
from portico.operations.demo import seed_access_states, seed_family
from portico.practices.models import Practice


def test_the_demo_has_an_intake_set_of_two_with_a_draft_and_a_submission(
    maple: Practice, owner: User
) -> None:
    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    forms = seed_forms_demo(maple, owner, clients, parent)
    assert [f.title for f in forms] == ["About you", "Consent for services"]
    assert Form.objects.filter(practice=maple, in_intake_set=True).count() == 2
    draft = Assignment.objects.get(client=clients["active"], form=forms[0])
    assert draft.status == AssignmentStatus.DRAFT
    assert draft.answers
    submitted = Assignment.objects.get(status=AssignmentStatus.SUBMITTED)
    assert submitted.submitted_by is not None and submitted.submitted_by.contact is not None
    assert Assignment.objects.filter(client=clients["invited"]).count() == 2
