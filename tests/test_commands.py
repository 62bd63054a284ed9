"""The operator's commands: createpractice and seed_demo."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from portico.access.queries import access_is_on
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.models import Client, ClientEmail
from portico.practices.models import Practice, Role, StaffMembership
from tests.cast import PASSWORD

OWNER = [
    "--owner-email",
    "Rosa@Willow.test",
    "--owner-first-name",
    "Rosa",
    "--owner-last-name",
    "Reyes",
]


def create(*args: str, password: str = PASSWORD) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", stdin)
        call_command("createpractice", *args, "--owner-password-stdin", stdout=out)
    return out.getvalue()


def test_createpractice_creates_the_practice_and_its_owner(db: None) -> None:
    output = create("willow", "Willow Counseling", *OWNER, "--timezone", "Europe/Dublin")

    practice = Practice.objects.get(slug="willow")
    assert (practice.name, practice.timezone) == ("Willow Counseling", "Europe/Dublin")
    owner = User.objects.get(practice=practice)
    assert owner.email == "rosa@willow.test"
    assert owner.check_password(PASSWORD)
    assert StaffMembership.objects.get(user=owner).role == Role.OWNER
    assert "http://localhost:8000/p/willow/staff/" in output
    assert PASSWORD not in output


def test_createpractice_asks_for_the_password_twice_until_it_is_accepted(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: Iterator[str] = iter(["short", "short", PASSWORD, "a typo", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("createpractice", "willow", "Willow Counseling", *OWNER, stdout=io.StringIO())

    owner = User.objects.get(practice__slug="willow")
    assert owner.check_password(PASSWORD)
    assert next(answers, None) is None


def test_createpractice_refuses_a_taken_slug(maple: Practice) -> None:
    with pytest.raises(CommandError, match="The slug 'maple' is taken by another practice"):
        create("maple", "Another Maple", *OWNER)
    assert Practice.objects.count() == 1


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Not A Slug!", "lowercase letters, digits and hyphens"),
        ("edge-", "lowercase letters, digits and hyphens"),
        ("admin", "That address is reserved"),
    ],
)
def test_createpractice_refuses_an_invalid_slug(db: None, slug: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        create(slug, "Willow Counseling", *OWNER)
    assert not Practice.objects.exists()


def test_createpractice_refuses_an_unknown_timezone(db: None) -> None:
    with pytest.raises(CommandError, match="--timezone 'Mars/Olympus': Choose a time zone"):
        create("willow", "Willow Counseling", *OWNER, "--timezone", "Mars/Olympus")
    assert not Practice.objects.exists()


def test_createpractice_refuses_an_invalid_email(db: None) -> None:
    with pytest.raises(
        CommandError, match="--owner-email 'rosa@willow': Enter a valid email address"
    ):
        create(
            "willow",
            "Willow",
            "--owner-email",
            "rosa@willow",
            "--owner-first-name",
            "Rosa",
            "--owner-last-name",
            "Reyes",
        )
    assert not User.objects.exists()


def test_createpractice_refuses_a_weak_password_and_creates_nothing(db: None) -> None:
    with pytest.raises(CommandError, match="The password is not accepted: This password is too"):
        create("willow", "Willow Counseling", *OWNER, password="password")
    assert not Practice.objects.exists()


def counts() -> dict[str, int]:
    return {
        "practices": Practice.objects.count(),
        "staff": StaffMembership.objects.count(),
        "clients": Client.objects.count(),
        "emails": ClientEmail.objects.count(),
        # The demo API key is replaced on every run by design (tests/api/test_demo_key.py).
        "audit": AuditEvent.objects.exclude(action__startswith="api.key.").count(),
    }


def test_seed_demo_creates_the_demo_practice_once_and_prints_how_to_sign_in(db: None) -> None:
    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    after_first = counts()
    call_command("seed_demo", stdout=second)

    assert counts() == after_first
    assert after_first["practices"] == 1
    assert after_first["staff"] == 3  # owner, front desk and a clinician (Access problems filter)
    assert 25 <= after_first["clients"] <= 45
    for output in (first.getvalue(), second.getvalue()):
        assert "http://localhost:8000/p/lakeside/staff/" in output  # the sign-in page is below it
        assert "owner@lakeside.test" in output
        assert "frontdesk@lakeside.test" in output
        assert "lakeside-demo-2026" in output


def test_seed_demo_has_clients_in_varied_states(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    clients = Client.objects.filter(practice__slug="lakeside")

    jane = clients.get(first_name="Jane", last_name="Doe")
    assert not jane.emails.exists()  # the demo adds jane@gmial.com and sees the typo hint
    assert clients.filter(emails__isnull=True).count() >= 3
    assert clients.filter(archived_at__isnull=False).exists()
    assert any(not access_is_on(client) for client in clients)
    several = [client for client in clients if client.emails.count() > 1]
    assert len(several) >= 2
    assert all(client.emails.filter(is_default=True).count() == 1 for client in several)
