from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import RequestFactory

from portico.access.dead_links import dead_link_response, explain_dead_link
from portico.access.links import consume_link, issue_link, revoke_live_links
from portico.access.models import AccessLink, LinkPurpose, RevokeReason
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.cast import access_of

SENT = datetime(2026, 11, 20, 20, 5, tzinfo=UTC)  # 3:05 PM in New York


def _invite(maple: Practice, casey: Client) -> AccessLink:
    with time_machine.travel(SENT, tick=False):
        return issue_link(
            maple,
            purpose=LinkPurpose.CLIENT_INVITE,
            email="casey@example.com",
            lifetime=timedelta(hours=48),
            created_by=None,
            subject=access_of(casey),
        ).link


def test_an_expired_link_says_when_it_expired_in_the_practice_time_zone(
    maple: Practice, casey: Client
) -> None:
    link = _invite(maple, casey)
    dead = explain_dead_link(link, link.expires_at)
    assert dead.reason == "expired"
    assert dead.sentences == ("This link expired on Sunday, November 22 at 3:05 PM.",)


def test_a_superseded_link_points_to_the_most_recent_email(maple: Practice, casey: Client) -> None:
    first = _invite(maple, casey)
    _invite(maple, casey)
    first.refresh_from_db()
    assert explain_dead_link(first, SENT).sentences == (
        "A newer link was sent to you. Please use the most recent email.",
    )


def test_a_used_link_suggests_signing_in(maple: Practice, casey: Client) -> None:
    link = _invite(maple, casey)
    assert consume_link(link, SENT)
    assert explain_dead_link(link, SENT).sentences == (
        "This link was already used. If you set up your account, sign in.",
    )


def test_revoked_links_say_why(maple: Practice, casey: Client) -> None:
    link = _invite(maple, casey)
    revoke_live_links(
        AccessLink.objects.filter(pk=link.pk), reason=RevokeReason.ACCESS_DISABLED, at=SENT
    )
    link.refresh_from_db()
    assert explain_dead_link(link, SENT).sentences == (
        "Portal access is turned off for this account.",
    )
    AccessLink.objects.filter(pk=link.pk).update(revoked_reason=RevokeReason.TOO_MANY_DOB_FAILURES)
    link.refresh_from_db()
    assert explain_dead_link(link, SENT).sentences[0] == (
        "This link was cancelled after too many attempts to confirm your date of birth."
    )


def test_an_unknown_token_gets_the_plain_not_valid_page(maple: Practice) -> None:
    request = RequestFactory().get("/")
    request.practice = maple  # type: ignore[attr-defined]
    response = dead_link_response(request, None)
    assert response.status_code == 404
    assert b"This link is not valid. It may be mistyped or incomplete." in response.content
