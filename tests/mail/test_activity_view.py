from __future__ import annotations

from django.db import transaction
from django.test import Client as HttpClient

from portico.clients.models import Client
from portico.mail.models import EmailKind
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.cast import at


def _queue(practice: Practice, client: Client) -> None:
    with transaction.atomic():
        queue_email(
            practice=practice,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={"greeting_name": "Casey", "link": "https://x.example/secret-token"},
            client=client,
        )


def test_staff_see_their_practices_emails_and_their_state_but_no_bodies(
    maple: Practice, casey: Client, front_desk_http: HttpClient
) -> None:
    _queue(maple, casey)
    response = front_desk_http.get(at(maple, "mail:activity"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "casey@example.com" in page
    assert "Queued</span> Will be sent within a minute." in page
    assert "secret-token" not in page


def test_the_outsider_sees_none_of_maples_emails(
    maple: Practice, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    _queue(maple, casey)
    response = outsider_http.get(at(birch, "mail:activity"))
    assert response.status_code == 200
    assert "casey@example.com" not in response.content.decode()


def test_managers_find_the_email_templates_from_email_activity(
    maple: Practice, owner_http: HttpClient, front_desk_http: HttpClient
) -> None:
    templates = at(maple, "mail:templates")
    assert f'href="{templates}"' in owner_http.get(at(maple, "mail:activity")).content.decode()
    # Front desk cannot change templates, so the link would only lead to a refusal.
    assert templates not in front_desk_http.get(at(maple, "mail:activity")).content.decode()
