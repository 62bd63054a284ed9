"""The demo's Spanish speakers (``seed_demo`` calls ``seed``).

- Sofía Ramírez reads the portal in Spanish: her account signs in with
  ``sofia.ramirez@example.com`` and the demo client password; "¿Olvidó su
  contraseña?" sends her a Spanish email.
- Mateo Vega (Spanish) has a Spanish invitation waiting in the local mailbox: follow
  its link for the welcome journey in Spanish (date of birth 08/19/1992).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from portico.access.actions import send_invite
from portico.access.people import add_client
from portico.access.registration import redeem_invite
from portico.audit.actor import Actor

SOFIA_EMAIL = "sofia.ramirez@example.com"
MATEO_EMAIL = "mateo.vega@example.com"
MATEO_BORN = date(1992, 8, 19)


def seed(demo: Any) -> None:
    """Add the two Spanish-speaking clients to the demo practice."""
    from portico.operations.demo import DEMO_CLIENT_PASSWORD

    practice, by = demo.practice, demo.front_desk
    sofia = add_client(
        practice,
        by=by,
        first_name="Sofía",
        last_name="Ramírez",
        date_of_birth=date(1987, 6, 14),
        emails=[SOFIA_EMAIL],
        send_invitation=False,
        language="es",
    )
    account = redeem_invite(
        send_invite(sofia, by=by).link,
        by=Actor.system(),
        at=timezone.now(),
        password=DEMO_CLIENT_PASSWORD,
    )
    if account is None:  # a fresh link always works
        raise RuntimeError("The demo invitation did not work.")
    add_client(
        practice,
        by=by,
        first_name="Mateo",
        last_name="Vega",
        date_of_birth=MATEO_BORN,
        emails=[MATEO_EMAIL],
        send_invitation=True,
        language="es",
    )
