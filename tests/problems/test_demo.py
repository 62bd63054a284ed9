"""The demo practice shows one person of each kind of access problem."""

from __future__ import annotations

from django.utils import timezone

from portico.operations.management.commands.seed_demo import create_demo
from portico.problems.queries import KINDS, access_problems


def test_the_demo_has_one_row_of_each_kind(db: None) -> None:
    practice = create_demo()
    rows = access_problems(practice, timezone.now())
    by_kind = {kind: [p.person_name for p in rows if p.kind == kind] for kind in KINDS}
    assert by_kind == {
        "bounced": ["Bea Bounced"],
        "complained": ["Skye Spam"],
        "expired": ["Evan Expired"],
        "unopened": ["Una Unopened"],
        "dob_failures": ["Dora Birthdate"],
        "locked": ["Lou Locked"],
        "temporary_password": ["Tara Timeout"],
        "access_off": ["Dana Disabled"],
        "coming_of_age": ["Cody Coming"],
    }
    named = {p.person_name: p.clinician_name for p in rows}
    assert named["Bea Bounced"] == "Priya Shah" and named["Skye Spam"] == ""
