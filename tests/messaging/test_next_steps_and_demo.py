"""Unread messages in "Your next step", for the person reading and for staff; the demo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.urls import set_urlconf

from portico.accounts.models import User
from portico.clients.models import Client
from portico.messaging.actions import read_as_portal, send_portal_message, send_staff_message
from portico.messaging.models import Conversation, Message
from portico.messaging.next_steps import steps_for
from portico.practices.models import Practice
from tests.cast import Family, access_of, by


@pytest.fixture(autouse=True)
def _practice_urls() -> Iterator[None]:
    set_urlconf(settings.PRACTICE_URLCONF)
    yield
    set_urlconf(None)


def test_the_reader_is_asked_to_read_the_practices_new_messages(
    casey: Client, casey_account: User, clinician: User, django_assert_max_num_queries: Any
) -> None:
    access = access_of(casey)
    assert steps_for(casey, reader=access) == []
    send_staff_message(casey, by=by(clinician), body="One")
    send_staff_message(casey, by=by(clinician), body="Two")
    with django_assert_max_num_queries(1):
        (step,) = steps_for(casey, reader=access)
    assert step.portal_text == "Read 2 new messages" and step.count == 2 and step.rank == 30
    assert step.url == "/messages/"
    read_as_portal(access, by=by(casey_account))
    assert steps_for(casey, reader=access) == []
    send_staff_message(casey, by=by(clinician), body="Three")
    assert steps_for(casey, reader=access)[0].portal_text == "Read 1 new message"


def test_each_person_on_the_clients_side_has_their_own_unread_count(
    family: Family, pat: User, owner: User, clinician: User
) -> None:
    from tests.cast import parent_of

    sam = parent_of(family.mia, owner, first="Sam", email="sam@example.com")
    send_staff_message(family.mia, by=by(clinician), body="One")
    read_as_portal(access_of(family.pat_for_mia), by=by(pat))
    assert steps_for(family.mia, reader=access_of(family.pat_for_mia)) == []
    assert steps_for(family.mia, reader=access_of(sam))[0].count == 1


def test_staff_see_how_many_messages_from_the_client_wait_for_the_practice(
    family: Family, pat: User, django_assert_max_num_queries: Any
) -> None:
    assert steps_for(family.mia, reader=None) == []
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="One")
    send_portal_message(access_of(family.pat_for_mia), by=by(pat), body="Two")
    with django_assert_max_num_queries(1):
        (step,) = steps_for(family.mia, reader=None)
    assert step.staff_text == "2 messages from the client's side not read yet"


def test_the_demo_has_a_conversation_waiting_for_the_practice_and_one_for_a_family(
    maple: Practice, owner: User
) -> None:
    from portico.access.queries import working_accesses
    from portico.messaging.demo import seed_messages_demo
    from portico.operations.demo import seed_access_states, seed_family

    clients = seed_access_states(maple, owner)
    parent = seed_family(maple, owner)
    seed_messages_demo(maple, owner, clients, parent)
    waiting = Conversation.objects.get(client=clients["active"])
    assert waiting.practice_unread == 2 and waiting.assigned_to == owner
    grant = working_accesses(parent).order_by("client__first_name").first()
    assert grant is not None
    assert steps_for(grant.client, reader=grant)[0].count == 1
    assert Message.objects.filter(conversation__client=clients["disabled"]).exists()
