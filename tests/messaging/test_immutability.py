"""A sent message never changes: no edit page, no action that edits, and the model refuses."""

from __future__ import annotations

import inspect

import pytest

from portico.accounts.models import User
from portico.clients.models import Client
from portico.messaging import actions, portal_urls, staff_urls
from portico.messaging.models import ImmutableMessage, Message
from tests.cast import by


def test_no_url_of_messages_edits_or_deletes_a_message() -> None:
    names = [
        getattr(p, "name", "") or "" for p in (*portal_urls.urlpatterns, *staff_urls.urlpatterns)
    ]
    routes = [str(p.pattern) for p in (*portal_urls.urlpatterns, *staff_urls.urlpatterns)]
    for word in ("edit", "change", "update", "delete"):
        assert not any(word in name for name in names), names
        assert not any(word in route for route in routes), routes
    assert not any("message_id" in route for route in routes)


def test_no_action_changes_a_message() -> None:
    writes = [name for name, _ in inspect.getmembers(actions, inspect.isfunction)]
    public = [
        name
        for name in writes
        if not name.startswith("_") and inspect.getmodule(getattr(actions, name)) is actions
    ]
    assert sorted(public) == [
        "assign_conversation",
        "mark_unread_for_practice",
        "read_as_portal",
        "read_as_practice",
        "send_portal_message",
        "send_staff_message",
    ]


def test_saving_a_sent_message_again_is_refused(casey: Client, clinician: User) -> None:
    message = actions.send_staff_message(casey, by=by(clinician), body="Original")
    message.body = "Changed"
    with pytest.raises(ImmutableMessage):
        message.save()
    assert Message.objects.get().body == "Original"


def test_a_queryset_update_of_messages_is_refused(casey: Client, clinician: User) -> None:
    actions.send_staff_message(casey, by=by(clinician), body="Original")
    with pytest.raises(ImmutableMessage):
        Message.objects.filter(conversation__client=casey).update(body="Changed")
    with pytest.raises(ImmutableMessage):
        Message.objects.bulk_update(list(Message.objects.all()), ["body"])
    assert Message.objects.get().body == "Original"


def test_a_correction_is_a_new_message(casey: Client, clinician: User) -> None:
    actions.send_staff_message(casey, by=by(clinician), body="See you on Tuesday.")
    actions.send_staff_message(casey, by=by(clinician), body="Correction: Wednesday.")
    assert list(Message.objects.order_by("id").values_list("body", flat=True)) == [
        "See you on Tuesday.",
        "Correction: Wednesday.",
    ]


def test_deleting_a_client_or_an_author_still_works(
    casey: Client, clinician: User, owner: User
) -> None:
    actions.send_staff_message(casey, by=by(clinician), body="Hello")
    clinician.delete()
    message = Message.objects.get()
    assert message.author is None
    casey.delete()
    assert not Message.objects.exists()
