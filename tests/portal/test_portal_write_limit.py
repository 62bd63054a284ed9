"""Every POST to a portal feature counts against the person's own write limit."""

from __future__ import annotations

import time_machine
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.models import Client
from portico.messaging.models import Message
from portico.practices.models import Practice
from tests.cast import at, make_client
from tests.portal.conftest import register, signed_in


def test_the_31st_message_in_a_minute_is_refused_and_the_next_minute_works(
    maple: Practice, owner: User, casey: Client
) -> None:
    register(casey, owner, username="casey")
    http = signed_in(maple, "casey")
    url = at(maple, "portal_messages:conversation")
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False) as t:
        for n in range(30):
            assert http.post(url, {"body": f"Note {n}"}).status_code == 302
        refused = http.post(url, {"body": "One too many"})
        assert refused.status_code == 429
        assert Message.objects.count() == 30
        t.shift(60)
        assert http.post(url, {"body": "A minute later"}).status_code == 302


def test_one_persons_limit_is_theirs_alone(maple: Practice, owner: User, casey: Client) -> None:
    dana = make_client(maple, owner, "Dana", "Other", emails=("dana@example.com",))
    register(casey, owner, username="casey")
    register(dana, owner, username="dana")
    casey_http, dana_http = signed_in(maple, "casey"), signed_in(maple, "dana")
    url = at(maple, "portal_messages:conversation")
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
        for n in range(31):
            casey_http.post(url, {"body": f"Note {n}"})
        assert casey_http.post(url, {"body": "Refused"}).status_code == 429
        assert dana_http.post(url, {"body": "Mine still goes"}).status_code == 302
