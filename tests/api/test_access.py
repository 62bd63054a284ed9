"""Portal access over the API: the staff buttons' actions, sentences and limits."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.utils import timezone

from portico.access.limits import SEND_LIMIT, check_send_allowance
from portico.access.status_reads import portal_status
from portico.api.shapes import status_out
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.api.conftest import Api
from tests.cast import access_of, at


def test_the_status_is_the_one_shape_derive_status_produces(api: Api, casey: Client) -> None:
    body = api.get(f"clients/{casey.public_id}/access").json()
    expected = status_out(portal_status(casey, timezone.now()))
    assert body == {key: body[key] for key in expected}
    assert body["state"] == expected["state"] == "not_invited"
    assert body["explanation"] == expected["explanation"]
    assert [a["key"] for a in body["actions"]] == [a["key"] for a in expected["actions"]]
    assert body["sends_left"] == SEND_LIMIT


def test_send_invite_says_what_staff_read_and_is_audited_with_the_key(
    api: Api, casey: Client
) -> None:
    response = api.post(f"clients/{casey.public_id}/access/invite")
    assert response.status_code == 200
    body = response.json()
    assert body["message"].startswith("Portal invitation sent to casey@example.com.")
    assert body["sends_left"] == SEND_LIMIT - 1
    assert body["status"]["state"] == "invited"
    event = AuditEvent.objects.get(client=casey, action="access.invite.sent")
    assert event.actor is None
    assert event.actor_label.startswith("API key owner key (pk_live_")


def test_an_address_not_on_file_is_refused_with_the_staff_sentence(api: Api, casey: Client) -> None:
    response = api.post(f"clients/{casey.public_id}/access/invite", {"email": "x@evil.test"})
    assert response.status_code == 409
    assert "not on file" in response.json()["detail"]


def test_the_resend_limit_is_the_same_through_the_api_and_the_staff_app(
    api: Api, maple: Practice, casey: Client, owner_http: HttpClient
) -> None:
    first_send = timezone.now()
    for _ in range(SEND_LIMIT):
        assert api.post(f"clients/{casey.public_id}/access/resend").status_code == 200

    refused = api.post(f"clients/{casey.public_id}/access/resend")
    staff = owner_http.post(at(maple, "access:resend_invite", casey.public_id))
    staff_said = [str(message) for message in get_messages(staff.wsgi_request)]

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert staff_said == [refused.json()["detail"]]
    allowance = check_send_allowance(access_of(casey))
    assert allowance.next_available_at is not None
    wait = (allowance.next_available_at - timezone.now()).total_seconds()
    assert abs(int(refused["Retry-After"]) - wait) <= 2
    assert int(refused["Retry-After"]) <= 24 * 3600

    # The window rolls: 24 hours after the first send, one more is allowed.
    with time_machine.travel(first_send + timedelta(hours=24, seconds=2)):
        assert api.post(f"clients/{casey.public_id}/access/resend").status_code == 200


def test_disable_enable_and_unlock_are_the_staff_buttons(api: Api, casey: Client) -> None:
    off = api.post(f"clients/{casey.public_id}/access/disable").json()
    assert off["status"]["state"] == "disabled"
    assert off["message"].startswith("Portal access turned off for Casey")
    refused = api.post(f"clients/{casey.public_id}/access/invite")
    assert refused.status_code == 409
    assert "turned off" in refused.json()["detail"]

    on = api.post(f"clients/{casey.public_id}/access/enable").json()
    assert on["status"]["enabled"] is True
    unlocked = api.post(f"clients/{casey.public_id}/access/unlock")
    assert unlocked.status_code in (200, 409)


def test_a_read_only_key_sees_the_status_but_cannot_send(
    api: Api, read_only_key: str, casey: Client
) -> None:
    reader = api.as_key(read_only_key)
    assert reader.get(f"clients/{casey.public_id}/access").status_code == 200
    assert reader.post(f"clients/{casey.public_id}/access/invite").status_code == 403
    assert not AuditEvent.objects.filter(client=casey, action="access.invite.sent").exists()


def test_the_history_feed_reads_on_from_an_event_id(api: Api, casey: Client) -> None:
    start = api.get("access-history").json()
    api.post(f"clients/{casey.public_id}/access/invite")
    feed = api.get(f"access-history?since_id={start['next_since_id']}").json()
    assert [item["action"] for item in feed["items"]] == ["access.invite.sent"]
    item = feed["items"][0]
    assert item["client_id"] == str(casey.public_id)
    assert item["sentence"] == "Portal invitation sent to casey@example.com"
    idle = api.get(f"access-history?since_id={feed['next_since_id']}").json()
    assert idle == {"items": [], "next_since_id": feed["next_since_id"]}


def test_email_activity_lists_the_invitation_with_its_state(api: Api, casey: Client) -> None:
    api.post(f"clients/{casey.public_id}/access/invite")
    page = api.get("emails?kind=invite").json()
    assert [(e["to"], e["status"]) for e in page["items"]] == [("casey@example.com", "queued")]
    assert page["items"][0]["delivery"].startswith("Queued")
    assert api.get("emails?status=bounced").json()["items"] == []


def test_bulk_invite_starts_once_and_reports_progress(api: Api, casey: Client) -> None:
    assert api.get("bulk-invites/plan").json()["eligible"] >= 1
    started = api.post("bulk-invites")
    assert started.status_code == 202
    again = api.post("bulk-invites")
    assert again.json()["id"] == started.json()["id"]  # the one already under way
    progress = api.get(f"bulk-invites/{started.json()['id']}").json()
    assert progress["status"] in ("queued", "running", "done")
