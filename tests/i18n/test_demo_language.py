"""The demo's Spanish speakers: one can sign in to a Spanish portal, one has a Spanish
invitation waiting."""

from __future__ import annotations

from django.test import Client as HttpClient

from portico.access import demo_language
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.mail.models import OutboundEmail
from portico.operations.demo import DEMO_CLIENT_PASSWORD
from portico.operations.management.commands.seed_demo import Demo
from portico.practices.models import Practice
from tests.cast import at


def test_the_demo_has_a_spanish_portal_account_and_a_spanish_invitation(
    maple: Practice, owner: User
) -> None:
    actor = Actor.for_user(owner)
    demo_language.seed(Demo(practice=maple, owner=actor, front_desk=actor))
    assert set(Client.objects.filter(language="es").values_list("first_name", flat=True)) == {
        "Sofía",
        "Mateo",
    }
    invitation = OutboundEmail.objects.get(to_address=demo_language.MATEO_EMAIL)
    assert invitation.subject.startswith("Cree su cuenta")
    http = HttpClient()
    http.post(
        at(maple, "portal:sign_in"),
        {"identifier": demo_language.SOFIA_EMAIL, "password": DEMO_CLIENT_PASSWORD},
    )
    home = http.get(at(maple, "portal:home")).content.decode()
    assert '<html lang="es">' in home
    assert "Hola, Sofía" in home
