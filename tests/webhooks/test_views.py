"""The webhook pages: owners and admins manage endpoints; the secret is shown once."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import LazySettings
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import DESCRIPTIONS, Action
from portico.practices.models import Practice
from portico.webhooks.actions import create_endpoint
from portico.webhooks.addresses import check_endpoint_url
from portico.webhooks.events import EventType
from portico.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.cast import at, by
from tests.mail.conftest import run_worker
from tests.webhooks.conftest import Receiver

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{40,}")


def _add(http: HttpClient, practice: Practice, url: str, **extra: object) -> object:
    return http.post(
        at(practice, "webhooks:add"),
        {
            "url": url,
            "description": "Our EHR",
            "event_types": [EventType.CLIENT_CREATED, EventType.ACCESS_DISABLED],
            "enabled": "on",
            **extra,
        },
    )


def test_the_owner_adds_an_endpoint_and_sees_its_secret_once(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = _add(owner_http, maple, "https://ehr.example.com/portico")
    assert response.status_code == 200  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in page
    assert "the only time it is shown" in page
    assert SECRET.fullmatch(endpoint.secret)
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) >= 24
    assert endpoint.event_types == ["access.disabled", "client.created"]
    detail = owner_http.get(at(maple, "webhooks:detail", endpoint.public_id)).content.decode()
    listing = owner_http.get(at(maple, "webhooks:list")).content.decode()
    for later in (detail, listing):
        assert endpoint.secret not in later
    assert endpoint.secret_hint in detail
    assert "https://ehr.example.com/portico" in listing
    event = AuditEvent.objects.get(action=Action.WEBHOOK_ADDED)
    assert DESCRIPTIONS[Action.WEBHOOK_ADDED](event) == (
        "Webhook endpoint added: https://ehr.example.com/portico"
    )
    assert endpoint.secret not in str(event.details)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://ehr.example.com/hooks", "must start with https://"),
        ("ftp://ehr.example.com/hooks", "Enter a full web address"),
        ("ehr.example.com", "Enter a full web address"),
        ("https://10.0.0.5/hooks", "private network"),
        ("https://192.168.1.20/hooks", "private network"),
        ("https://user:pw@ehr.example.com/hooks", "Leave the user name and password out"),
    ],
)
def test_an_address_that_is_not_public_https_is_refused_with_a_sentence(
    url: str, words: str, maple: Practice, owner_http: HttpClient
) -> None:
    response = _add(owner_http, maple, url)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert words in response.content.decode()  # type: ignore[attr-defined]
    assert not WebhookEndpoint.objects.exists()


def test_plain_http_to_this_machine_is_only_for_development_and_tests(
    settings: LazySettings,
) -> None:
    assert check_endpoint_url("http://127.0.0.1:8123/hooks") == "http://127.0.0.1:8123/hooks"
    assert check_endpoint_url("http://localhost:8123/hooks")
    settings.DEBUG = settings.TESTING = False
    for local in ("http://127.0.0.1:8123/hooks", "https://127.0.0.1/hooks", "https://[::1]/h"):
        with pytest.raises(ValidationError):
            check_endpoint_url(local)
    assert check_endpoint_url("https://ehr.example.com/hooks")


def test_the_front_desk_cannot_open_or_use_the_webhook_pages(
    maple: Practice, owner: User, front_desk_http: HttpClient
) -> None:
    endpoint = create_endpoint(
        maple,
        url="https://ehr.example.com/hooks",
        description="",
        event_types=[EventType.CLIENT_CREATED],
        by=by(owner),
    )
    pages = [
        ("get", at(maple, "webhooks:list")),
        ("get", at(maple, "webhooks:add")),
        ("post", at(maple, "webhooks:add")),
        ("get", at(maple, "webhooks:detail", endpoint.public_id)),
        ("post", at(maple, "webhooks:detail", endpoint.public_id)),
        ("post", at(maple, "webhooks:test", endpoint.public_id)),
        ("post", at(maple, "webhooks:rotate", endpoint.public_id)),
        ("post", at(maple, "webhooks:switch", endpoint.public_id)),
        ("post", at(maple, "webhooks:delete", endpoint.public_id)),
    ]
    for method, path in pages:
        response = getattr(front_desk_http, method)(path)
        assert response.status_code == 403, f"{method} {path}"
        assert endpoint.secret not in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert not WebhookDelivery.objects.exists()


def test_another_practices_endpoint_is_404_for_the_outsider_on_every_webhook_url(
    maple: Practice, owner: User, birch: Practice, outsider_http: HttpClient
) -> None:
    endpoint = create_endpoint(
        maple,
        url="https://ehr.example.com/hooks",
        description="",
        event_types=[EventType.CLIENT_CREATED],
        by=by(owner),
    )
    for name in ("detail", "test", "rotate", "switch", "delete"):
        path = at(birch, f"webhooks:{name}", endpoint.public_id)
        assert outsider_http.post(path).status_code == 404, name
    endpoint.refresh_from_db()
    assert endpoint.enabled and not WebhookDelivery.objects.exists()


def test_send_test_event_reaches_the_receiver_and_shows_in_the_log(
    maple: Practice, owner_http: HttpClient, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    response = owner_http.post(at(maple, "webhooks:test", endpoint.public_id))
    assert response.status_code == 302
    run_worker()
    [received] = receiver.received
    payload = Webhook(endpoint.secret).verify(received.body, received.headers)
    assert payload["type"] == "webhook.test"
    assert payload["data"]["practice"] == "maple"
    page = owner_http.get(at(maple, "webhooks:detail", endpoint.public_id)).content.decode()
    assert "Test event" in page and "Delivered" in page and "HTTP 204" in page
    assert AuditEvent.objects.filter(action=Action.WEBHOOK_TEST_SENT).count() == 1


def test_the_log_shows_a_failed_attempt_its_error_and_the_next_try(
    maple: Practice,
    owner: User,
    owner_http: HttpClient,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
) -> None:
    receiver.stop()
    owner_http.post(at(maple, "webhooks:test", endpoint.public_id))
    run_worker()
    page = owner_http.get(at(maple, "webhooks:detail", endpoint.public_id)).content.decode()
    assert "Retrying" in page
    assert "Connection refused: nothing is listening at that address." in page
    assert WebhookDelivery.objects.get().status == DeliveryStatus.RETRYING
    assert re.search(r'data-label="Next try">\w{3} \d+ at \d+:\d\d [AP]M<', page)


def test_replacing_the_secret_shows_the_new_one_once_and_the_old_one_stops_verifying(
    maple: Practice, owner_http: HttpClient, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    old = endpoint.secret
    page = owner_http.post(at(maple, "webhooks:rotate", endpoint.public_id)).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in page and old not in page
    owner_http.post(at(maple, "webhooks:test", endpoint.public_id))
    run_worker()
    [received] = receiver.received
    Webhook(endpoint.secret).verify(received.body, received.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(received.body, received.headers)
    assert AuditEvent.objects.filter(action=Action.WEBHOOK_SECRET_ROTATED).count() == 1


def test_turning_off_and_deleting_stop_the_events(
    maple: Practice, owner: User, owner_http: HttpClient, endpoint: WebhookEndpoint
) -> None:
    owner_http.post(at(maple, "webhooks:switch", endpoint.public_id))
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    refused = owner_http.post(at(maple, "webhooks:test", endpoint.public_id), follow=True)
    assert "turned off" in refused.content.decode()
    owner_http.post(at(maple, "webhooks:switch", endpoint.public_id), {"enabled": "on"})
    endpoint.refresh_from_db()
    assert endpoint.enabled
    confirm = owner_http.get(at(maple, "webhooks:delete", endpoint.public_id))
    assert "Delete this endpoint?" in confirm.content.decode()
    owner_http.post(at(maple, "webhooks:delete", endpoint.public_id))
    assert not WebhookEndpoint.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="webhook.")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        Action.WEBHOOK_ADDED,
        Action.WEBHOOK_DISABLED,
        Action.WEBHOOK_ENABLED,
        Action.WEBHOOK_DELETED,
    ]


def test_editing_the_endpoint_changes_its_events_and_is_recorded(
    maple: Practice, owner_http: HttpClient, endpoint: WebhookEndpoint
) -> None:
    response = owner_http.post(
        at(maple, "webhooks:detail", endpoint.public_id),
        {
            "url": endpoint.url,
            "description": "Renamed",
            "event_types": ["email.bounced"],
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["email.bounced"] and endpoint.description == "Renamed"
    event = AuditEvent.objects.get(action=Action.WEBHOOK_CHANGED)
    assert DESCRIPTIONS[Action.WEBHOOK_CHANGED](event).endswith("(description, events)")
    empty = owner_http.post(
        at(maple, "webhooks:detail", endpoint.public_id),
        {"url": endpoint.url, "description": "", "enabled": "on"},
    )
    assert empty.status_code == 400
    assert "Choose at least one event to send." in empty.content.decode()


def test_practice_settings_link_to_the_webhook_pages(
    maple: Practice, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "practices:settings")).content.decode()
    assert f'href="{at(maple, "webhooks:list")}"' in page
