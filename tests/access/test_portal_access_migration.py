"""The data migration to PortalAccess, on a database holding every state the demo has.

Migrate back to the schema before PortalAccess, build the old rows (grants, the
two switches, links with a client/contact pair), migrate forward, and check that
each person's access, each link's subject and each status come out as before.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portico.access.models import AccessLink, PortalAccess
from portico.access.status_reads import contact_status, portal_status
from portico.clients.models import Client, Contact
from portico.practices.models import Practice
from tests.cast import make_practice

BEFORE = [("access", "0007_link_self_service"), ("clients", "0004_email_prefix_index")]
AFTER = [
    ("access", "0010_drop_grants_and_link_subjects"),
    ("clients", "0005_access_switches_move_to_portal_access"),
]


class OldWorld:
    """Rows written with the models as they were before the migration."""

    def __init__(self, apps: Any, practice: Practice) -> None:
        self.apps, self.practice_id, self.now = apps, practice.pk, timezone.now()
        self.Client = apps.get_model("clients", "Client")
        self.Contact = apps.get_model("clients", "Contact")
        self.User = apps.get_model("accounts", "User")
        self.Grant = apps.get_model("access", "PortalGrant")
        self.Link = apps.get_model("access", "AccessLink")

    def client(self, first: str, *, on: bool = True) -> Any:
        return self.Client.objects.create(
            practice_id=self.practice_id,
            first_name=first,
            last_name="Old",
            date_of_birth=date(1990, 4, 12),
            portal_access_enabled=on,
        )

    def contact(self, client: Any, first: str, *, on: bool = True) -> Any:
        return self.Contact.objects.create(
            practice_id=self.practice_id,
            client=client,
            first_name=first,
            last_name="Old",
            relationship="parent",
            email=f"{first.lower()}@example.com",
            portal_access_enabled=on,
        )

    def account(self, username: str, **extra: Any) -> Any:
        return self.User.objects.create(
            practice_id=self.practice_id,
            kind="portal",
            username=username,
            email=f"{username}@example.com",
            password="!",
            **extra,
        )

    def grant(self, user: Any, client: Any, contact: Any = None, **extra: Any) -> Any:
        return self.Grant.objects.create(
            practice_id=self.practice_id,
            user=user,
            client=client,
            contact=contact,
            relationship="contact" if contact else "self",
            created_at=self.now - timedelta(days=5),
            **extra,
        )

    def link(
        self, *, ago: timedelta, lifetime: timedelta = timedelta(hours=48), **extra: Any
    ) -> Any:
        self.serial = getattr(self, "serial", 0) + 1
        return self.Link.objects.create(
            practice_id=self.practice_id,
            purpose=extra.pop("purpose", "client_invite"),
            email="someone@example.com",
            token_hash=f"{self.serial:064d}",
            created_at=self.now - ago,
            expires_at=self.now - ago + lifetime,
            **extra,
        )


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)  # the state of every app as now applied
    # Django's own migration tests read the applied state this way; it has no public name.
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    return state.apps


def _build_every_state(old: OldWorld, owner_id: int) -> dict[str, Any]:
    hour, day = timedelta(hours=1), timedelta(days=1)
    made: dict[str, Any] = {}
    made["invited"] = invited = old.client("Ivy")
    made["invited_link"] = old.link(ago=hour, client=invited)
    made["expired"] = expired = old.client("Evan")
    old.link(ago=3 * day, client=expired)
    made["dob"] = dob = old.client("Dora")
    old.link(
        ago=hour, client=dob, revoked_at=old.now, revoked_reason="dob_failures", dob_failures=5
    )
    made["active"] = active = old.client("Alex")
    made["active_account"] = alex = old.account("alex")
    old.grant(alex, active)
    made["active_reset"] = old.link(
        ago=hour, client=active, user=alex, purpose="password_reset", lifetime=day
    )
    made["locked"] = locked = old.client("Lou")
    old.grant(old.account("lou", locked_until=old.now + hour, failed_sign_ins=5), locked)
    made["disabled"] = disabled = old.client("Dana", on=False)
    old.grant(old.account("dana", is_active=False), disabled)
    old.link(ago=day, client=disabled, revoked_at=old.now, revoked_reason="access_disabled")
    made["disabled_never"] = old.client("Nell", on=False)
    made["minor_untouched"] = old.client("Mo", on=False)
    made["temporary"] = temporary = old.client("Tom")
    old.grant(
        old.account("tom", must_change_password=True, temporary_password_expires_at=old.now + day),
        temporary,
    )
    # A parent of two, one account, and their own account-level reset.
    made["maya"], made["theo"] = maya, theo = old.client("Maya"), old.client("Theo")
    made["jordan_for_maya"] = for_maya = old.contact(maya, "Jordan")
    made["jordan_for_theo"] = for_theo = old.contact(theo, "Jordan")
    made["jordan"] = jordan = old.account("jordan")
    for child, contact in ((maya, for_maya), (theo, for_theo)):
        old.link(ago=2 * day, client=child, contact=contact, used_at=old.now - day)
        old.grant(jordan, child, contact)
    made["jordan_reset"] = old.link(ago=hour, user=jordan, purpose="password_reset")
    # A contact whose access staff ended, and one whose access is off, invited before.
    made["ended"] = ended = old.contact(maya, "Ezra")
    old.grant(old.account("ezra"), maya, ended, revoked_at=old.now - hour)
    made["off"] = off = old.contact(theo, "Olga", on=False)
    old.link(
        ago=day, client=theo, contact=off, revoked_at=old.now, revoked_reason="access_disabled"
    )
    made["staff_invite"] = old.link(ago=hour, user_id=owner_id, purpose="staff_invite")
    return {name: getattr(row, "pk", row) for name, row in made.items()}


@pytest.mark.django_db(transaction=True)
def test_every_demo_state_moves_onto_portal_access_rows_and_keeps_its_status() -> None:
    practice, owner = make_practice("lake", "Lakeside", "owner@lake.test", "Olga")
    old = OldWorld(_migrate(BEFORE), practice)
    ids = _build_every_state(old, owner.pk)
    _migrate(AFTER)
    # Then to the newest schema: the checks read through today's models.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    _check_rows(ids)
    _check_statuses(ids)


def _own(client_id: int) -> PortalAccess | None:
    return PortalAccess.objects.filter(client_id=client_id, contact__isnull=True).first()


def _check_rows(ids: dict[str, int]) -> None:
    assert _own(ids["minor_untouched"]) is None  # never given: no row
    assert _own(ids["disabled_never"]) is None
    own = {name: _own(ids[name]) for name in ("invited", "active", "disabled", "temporary")}
    assert own["invited"] is not None and own["invited"].enabled and own["invited"].user is None
    assert own["active"] is not None and own["active"].user_id == ids["active_account"]
    assert own["disabled"] is not None and not own["disabled"].enabled
    reset = AccessLink.objects.get(pk=ids["active_reset"])
    assert reset.access == own["active"] and reset.user is None
    assert AccessLink.objects.get(pk=ids["invited_link"]).access == own["invited"]
    jordan = PortalAccess.objects.filter(user_id=ids["jordan"], ended_at=None)
    assert {a.contact_id for a in jordan} == {ids["jordan_for_maya"], ids["jordan_for_theo"]}
    account_reset = AccessLink.objects.get(pk=ids["jordan_reset"])
    assert account_reset.access is None and account_reset.user_id == ids["jordan"]
    staff = AccessLink.objects.get(pk=ids["staff_invite"])
    assert staff.access is None and staff.user is not None
    ended = PortalAccess.objects.get(contact_id=ids["ended"])
    assert ended.ended_at is not None and ended.ended_reason == "revoked_by_staff" and ended.enabled
    off = PortalAccess.objects.get(contact_id=ids["off"])
    assert not off.enabled and off.ended_reason == "access_disabled"
    assert off.links.count() == 1


def _check_statuses(ids: dict[str, int]) -> None:
    now = timezone.now()
    expected = {
        "invited": "invited",
        "expired": "invite_expired",
        "dob": "invite_revoked",
        "active": "active",
        "locked": "locked",
        "disabled": "disabled",
        "disabled_never": "disabled",
        "temporary": "active",
    }
    for name, state in expected.items():
        assert portal_status(Client.objects.get(pk=ids[name]), now).state == state, name
    contacts = {
        name: Contact.objects.get(pk=ids[name]) for name in ("jordan_for_maya", "ended", "off")
    }
    assert contact_status(contacts["jordan_for_maya"], now).state == "active"
    assert contact_status(contacts["ended"], now).state == "ended"
    assert contact_status(contacts["off"], now).state == "access_off"
