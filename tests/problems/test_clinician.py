"""Staff name a client's clinician on Personal information; Access problems shows and filters it."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.actions import add_client_email
from portico.clients.models import Client
from portico.mail.models import EmailStatus, OutboundEmail
from portico.practices.models import Practice, Role
from portico.problems.clinicians import set_clinician
from portico.problems.queries import NO_CLINICIAN, access_problems
from tests.cast import at, by, make_staff


def bounce(client: Client, owner: User) -> None:
    link = send_invite(client, by=by(owner)).link
    OutboundEmail.objects.filter(link=link).update(status=EmailStatus.BOUNCED)


def test_staff_name_the_clinician_on_the_personal_information_page(
    maple: Practice, casey: Client, clinician: User, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "clients:personal_information", casey.public_id))
    html = page.content.decode()
    assert 'id="clinician-heading"' in html
    assert f'<option value="{clinician.membership.pk}">' in html
    response = owner_http.post(
        at(maple, "problems:set_clinician", casey.public_id),
        {"clinician": clinician.membership.pk},
    )
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.clinician_id == clinician.membership.pk
    event = AuditEvent.objects.filter(client=casey, action="client.details_changed").last()
    assert event is not None and event.details == {"fields": ["clinician"]}
    again = owner_http.get(at(maple, "clients:personal_information", casey.public_id))
    assert f'<option value="{clinician.membership.pk}" selected>' in again.content.decode()
    owner_http.post(at(maple, "problems:set_clinician", casey.public_id), {"clinician": ""})
    casey.refresh_from_db()
    assert casey.clinician_id is None


def test_only_members_whose_role_is_clinician_can_be_named(
    maple: Practice, casey: Client, owner: User, front_desk: User, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "clients:personal_information", casey.public_id))
    assert f'value="{front_desk.membership.pk}"' not in page.content.decode()
    owner_http.post(
        at(maple, "problems:set_clinician", casey.public_id),
        {"clinician": front_desk.membership.pk},
    )
    casey.refresh_from_db()
    assert casey.clinician_id is None
    with pytest.raises(ValueError, match="Not a clinician"):
        set_clinician(casey, clinician=owner.membership, by=by(owner))


def test_another_practices_clinician_or_client_is_refused(
    maple: Practice,
    birch: Practice,
    casey: Client,
    outsider: User,
    owner_http: HttpClient,
    outsider_http: HttpClient,
) -> None:
    theirs = make_staff(birch, outsider, "cleo@birch.test", "Cleo", Role.CLINICIAN)
    owner_http.post(
        at(maple, "problems:set_clinician", casey.public_id), {"clinician": theirs.membership.pk}
    )
    casey.refresh_from_db()
    assert casey.clinician_id is None
    response = outsider_http.post(
        at(birch, "problems:set_clinician", casey.public_id), {"clinician": theirs.membership.pk}
    )
    assert response.status_code == 404
    casey.refresh_from_db()
    assert casey.clinician_id is None


def test_the_front_desk_may_name_a_clinician(
    maple: Practice, casey: Client, clinician: User, front_desk_http: HttpClient
) -> None:
    response = front_desk_http.post(
        at(maple, "problems:set_clinician", casey.public_id),
        {"clinician": clinician.membership.pk},
    )
    assert response.status_code == 302
    casey.refresh_from_db()
    assert casey.clinician_id == clinician.membership.pk


def test_each_row_names_the_clinician_and_the_page_filters_by_them(
    maple: Practice,
    casey: Client,
    noah: Client,
    owner: User,
    clinician: User,
    owner_http: HttpClient,
) -> None:
    set_clinician(casey, clinician=clinician.membership, by=by(owner))
    add_client_email(noah, by=by(owner), address="noah@example.com")
    bounce(casey, owner)
    bounce(noah, owner)
    mine = str(clinician.membership.pk)
    found = access_problems(maple, timezone.now(), clinician=mine)
    assert [p.client.first_name for p in found] == ["Casey"]
    assert found[0].clinician_name == clinician.full_name
    unnamed = access_problems(maple, timezone.now(), clinician=NO_CLINICIAN)
    assert [p.client.first_name for p in unnamed] == ["Noah"]
    page = owner_http.get(at(maple, "problems:list"), {"clinician": mine}).content.decode()
    table = page.split("<table")[1]
    assert "Casey" in table and "Noah" not in table
    assert clinician.full_name in table
    everyone = owner_http.get(at(maple, "problems:list")).content.decode()
    assert "Noah" in everyone.split("<table")[1]


def test_an_unknown_clinician_in_the_address_shows_everyone(
    maple: Practice, casey: Client, owner: User, owner_http: HttpClient
) -> None:
    bounce(casey, owner)
    page = owner_http.get(at(maple, "problems:list"), {"clinician": "99999"}).content.decode()
    assert "Casey" in page.split("<table")[1]
