from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portico.access.actions import (
    disable_portal_access,
    enable_portal_access,
    send_invite,
    set_temporary_password,
)
from portico.access.bulk import (
    _invite_chunk,
    eligible_count,
    plan_bulk_invite,
    resume_stalled_bulk_invites,
    run_bulk_invite,
    start_bulk_invite,
)
from portico.access.links import hash_token
from portico.access.models import AccessLink, BulkInvite, BulkInviteStatus, LinkPurpose
from portico.access.sending import link_email_context
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.clients.actions import archive_client
from portico.clients.models import Client
from portico.mail import rendering
from portico.mail.actions import save_template_override
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.rendering import render_email
from portico.practices.models import Practice
from tests.cast import at, by, make_client, token_of


@pytest.fixture
def crowd(maple: Practice, owner: User, casey: Client, noah: Client) -> dict[str, Client]:
    """One client for each reason to be left out, and two to invite (Casey and Erin)."""
    archived = make_client(maple, owner, "Ari", "Archived", emails=("ari@example.com",))
    archive_client(archived, by=by(owner))
    off = make_client(maple, owner, "Olive", "Off", emails=("olive@example.com",))
    disable_portal_access(off, by=by(owner))
    account = make_client(maple, owner, "Acton", "Account", emails=("acton@example.com",))
    set_temporary_password(account, by=by(owner))
    invited = make_client(maple, owner, "Ivy", "Invited", emails=("ivy@example.com",))
    send_invite(invited, by=by(owner))
    limit = make_client(maple, owner, "Lim", "Limit", emails=("lim@example.com",))
    for _ in range(5):
        send_invite(limit, by=by(owner))
    disable_portal_access(limit, by=by(owner))  # cancels the live link ...
    enable_portal_access(limit, by=by(owner))  # ... and the five sends still count
    expired = make_client(maple, owner, "Erin", "Expired", emails=("erin@example.com",))
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        send_invite(expired, by=by(owner))
    return {
        "casey": casey,
        "noah": noah,
        "archived": archived,
        "off": off,
        "account": account,
        "invited": invited,
        "limit": limit,
        "expired": expired,
    }


def _run(practice: Practice, user: User) -> BulkInvite:
    bulk = start_bulk_invite(practice, by=by(user))
    run_bulk_invite.call(bulk.pk)
    bulk.refresh_from_db()
    return bulk


def test_the_plan_invites_the_not_yet_invited_and_says_why_each_other_client_is_left_out(
    maple: Practice, crowd: dict[str, Client]
) -> None:
    plan = plan_bulk_invite(maple)
    assert plan.eligible == 2 == eligible_count(maple)  # Casey, and Erin whose link expired
    assert plan.skipped == {
        "access_off": 1,
        "no_email": 1,
        "has_account": 1,
        "invited": 1,
        "limit": 1,
    }  # the archived client is not counted at all


def test_each_eligible_client_gets_one_invite_link_and_one_queued_email_with_the_token_only_hashed(
    maple: Practice, owner: User, crowd: dict[str, Client]
) -> None:
    before = {c: AccessLink.objects.filter(access__client=c).count() for c in crowd.values()}
    plan = plan_bulk_invite(maple)
    bulk = _run(maple, owner)
    assert (bulk.status, bulk.total, bulk.sent, bulk.skipped) == (BulkInviteStatus.DONE, 2, 2, 0)
    assert bulk.finished_at is not None
    assert bulk.not_eligible == plan.skipped  # shown on the progress page, with reasons
    for name in ("casey", "expired"):
        client = crowd[name]
        link = AccessLink.objects.filter(access__client=client).latest("created_at")
        assert link.purpose == LinkPurpose.CLIENT_INVITE
        assert link.access is not None and link.access.is_own and link.created_by == owner
        assert link.expires_at - link.created_at == maple.invite_lifetime
        email = OutboundEmail.objects.get(link=link)
        assert (email.kind, email.status, email.client) == (
            EmailKind.INVITE,
            EmailStatus.QUEUED,
            client,
        )
        token = token_of(link)
        assert link.token_hash == hash_token(token) and token not in link.token_hash
        # Exactly the email send_invite would have written.
        same = render_email(maple, EmailKind.INVITE, link_email_context(link.access, token, link))
        assert (email.subject, email.text_body, email.html_body) == (
            same.subject,
            same.text,
            same.html,
        )
    after = {c: AccessLink.objects.filter(access__client=c).count() for c in crowd.values()}
    changed = {c.first_name for c in crowd.values() if after[c] != before[c]}
    assert changed == {"Casey", "Erin"}


def test_running_it_twice_or_starting_another_sends_nothing_new(
    maple: Practice, owner: User, crowd: dict[str, Client]
) -> None:
    first = _run(maple, owner)
    links, emails = AccessLink.objects.count(), OutboundEmail.objects.count()
    assert run_bulk_invite.call(first.pk).endswith("had already finished")
    second = _run(maple, owner)
    assert second.pk != first.pk
    assert (second.total, second.sent) == (0, 0)
    assert (AccessLink.objects.count(), OutboundEmail.objects.count()) == (links, emails)


def test_a_client_invited_by_hand_before_their_turn_is_skipped_not_sent_twice(
    maple: Practice, owner: User, casey: Client
) -> None:
    bulk = start_bulk_invite(maple, by=by(owner))
    send_invite(casey, by=by(owner))  # between the task's start and Casey's chunk
    _invite_chunk(bulk, [casey.pk], by=by(owner))
    bulk.refresh_from_db()
    assert (bulk.sent, bulk.skipped) == (0, 1)
    assert AccessLink.objects.filter(access__client=casey).count() == 1


def test_the_resend_limit_is_respected_even_for_a_client_with_no_live_link(
    maple: Practice, owner: User, crowd: dict[str, Client]
) -> None:
    _run(maple, owner)
    assert AccessLink.objects.filter(access__client=crowd["limit"]).count() == 5
    # A day later the five sends no longer count: the client is invited.
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert plan_bulk_invite(maple).eligible == 1
        bulk = _run(maple, owner)
    assert bulk.sent == 1
    assert AccessLink.objects.filter(access__client=crowd["limit"]).count() == 6


def test_each_invitation_is_audited_like_a_single_send_without_the_token(
    maple: Practice, owner: User, crowd: dict[str, Client]
) -> None:
    bulk = _run(maple, owner)
    casey = AuditEvent.objects.get(client=crowd["casey"], action="access.invite.sent")
    erin = AuditEvent.objects.get(client=crowd["expired"], action="access.invite.resent")
    for event, client in ((casey, crowd["casey"]), (erin, crowd["expired"])):
        link = AccessLink.objects.filter(access__client=client).latest("created_at")
        assert event.actor == owner
        assert event.details["link_id"] == link.pk
        assert event.details["bulk_invite"] == str(bulk.public_id)
        assert token_of(link) not in str(event.details)
    # Erin's earlier send was three days ago: outside the 24-hour window.
    assert casey.details["sends_left"] == erin.details["sends_left"] == 4
    assert AuditEvent.objects.filter(action="access.bulk_invite.started").count() == 1
    finished = AuditEvent.objects.get(action="access.bulk_invite.finished")
    assert finished.details["sent"] == 2


# --- the staff screens ----------------------------------------------------------------------


def test_the_client_list_offers_the_bulk_invite_without_counting_the_practice(
    maple: Practice,
    owner: User,
    casey: Client,
    front_desk_http: HttpClient,
    django_assert_max_num_queries: Any,
) -> None:
    page = front_desk_http.get(at(maple, "clients:list"))
    assert "Invite everyone not yet invited…" in page.content.decode()
    with django_assert_max_num_queries(30) as few:
        front_desk_http.get(at(maple, "clients:list"))
    for number in range(4):
        make_client(maple, owner, f"Pat{number}", "More", emails=(f"p{number}@example.com",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        front_desk_http.get(at(maple, "clients:list"))
    # How many would be invited is said on the confirm page.
    confirm = front_desk_http.get(at(maple, "access:bulk_invite")).content.decode()
    assert "5 clients</strong> will each get a portal invitation" in confirm


def test_the_confirm_page_says_who_gets_an_email_who_does_not_and_for_how_long(
    maple: Practice, crowd: dict[str, Client], front_desk_http: HttpClient
) -> None:
    html = front_desk_http.get(at(maple, "access:bulk_invite")).content.decode()
    assert "2 clients</strong> will each get a portal invitation" in html
    assert "works for 48 hours" in html
    assert "1 client: no email address" in html
    assert "1 client: already has a portal account" in html
    assert "Send 2 invitations" in html


def test_the_request_only_enqueues_the_work(
    maple: Practice, crowd: dict[str, Client], front_desk_http: HttpClient
) -> None:
    links = AccessLink.objects.count()
    response = front_desk_http.post(at(maple, "access:bulk_invite"))
    bulk = BulkInvite.objects.get()
    assert response.status_code == 302
    assert response["Location"] == at(maple, "access:bulk_invite_progress", bulk.public_id)
    assert AccessLink.objects.count() == links  # nothing sent yet
    assert bulk.status == BulkInviteStatus.QUEUED
    task = DBTaskResult.objects.get(task_path=run_bulk_invite.module_path)
    assert task.args_kwargs["args"] == [bulk.pk]
    # A second click while it waits goes to the same one.
    again = front_desk_http.post(at(maple, "access:bulk_invite"))
    assert again["Location"] == response["Location"] and BulkInvite.objects.count() == 1


def test_the_progress_page_refreshes_while_running_and_sums_up_when_done(
    maple: Practice, owner: User, crowd: dict[str, Client], front_desk_http: HttpClient
) -> None:
    bulk = start_bulk_invite(maple, by=by(owner))
    url = at(maple, "access:bulk_invite_progress", bulk.public_id)
    waiting = front_desk_http.get(url).content.decode()
    assert 'data-refresh-seconds="3"' in waiting  # portico/static/portico/refresh.js
    assert "waiting to start" in waiting
    BulkInvite.objects.filter(pk=bulk.pk).update(status=BulkInviteStatus.RUNNING, total=2, sent=1)
    running = front_desk_http.get(url).content.decode()
    assert "<strong>1</strong> of 2 invitations sent" in running
    assert "data-refresh-seconds" in running
    BulkInvite.objects.filter(pk=bulk.pk).update(status=BulkInviteStatus.QUEUED, sent=0)
    run_bulk_invite.call(bulk.pk)
    done = front_desk_http.get(url).content.decode()
    assert "data-refresh-seconds" not in done
    assert "<strong>2 invitations</strong> queued for sending" in done
    assert "1 client: portal access is turned off" in done


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_for_a_bulk_invite_of_maple(
    method: str,
    maple: Practice,
    owner: User,
    birch: Practice,
    outsider_http: HttpClient,
) -> None:
    bulk = start_bulk_invite(maple, by=by(owner))
    inside_birch = at(birch, "access:bulk_invite_progress", bulk.public_id)
    assert getattr(outsider_http, method)(inside_birch).status_code == 404
    for name, args in (
        ("access:bulk_invite", ()),
        ("access:bulk_invite_progress", (bulk.public_id,)),
    ):
        at_maple = getattr(outsider_http, method)(at(maple, name, *args))
        assert at_maple.status_code == 302 and "/sign-in/" in at_maple["Location"]
    assert BulkInvite.objects.filter(practice=birch).count() == 0 or method == "post"


def test_the_outsiders_own_bulk_invite_never_touches_maples_clients(
    maple: Practice, casey: Client, birch: Practice, outsider_http: HttpClient
) -> None:
    outsider_http.post(at(birch, "access:bulk_invite"))
    bulk = BulkInvite.objects.get(practice=birch)
    run_bulk_invite.call(bulk.pk)
    assert not AccessLink.objects.filter(access__client=casey).exists()


def test_a_bulk_invite_whose_worker_died_is_resumed_and_invites_nobody_twice(
    maple: Practice, crowd: dict[str, Client], owner: User
) -> None:
    with time_machine.travel(timezone.now() - timedelta(minutes=20), tick=False):
        bulk = start_bulk_invite(maple, by=by(owner))
    # The worker took the task and died before inviting anyone.
    DBTaskResult.objects.all().delete()
    BulkInvite.objects.filter(pk=bulk.pk).update(status=BulkInviteStatus.RUNNING)
    assert resume_stalled_bulk_invites() == 1

    run_bulk_invite.call(bulk.pk)
    run_bulk_invite.call(bulk.pk)  # resumed twice: still one invitation each

    bulk.refresh_from_db()
    assert bulk.status == BulkInviteStatus.DONE
    invited = AccessLink.objects.filter(
        access__client__in=[crowd["casey"]], purpose=LinkPurpose.CLIENT_INVITE
    )
    assert invited.count() == 1


def test_a_recent_bulk_invite_is_not_resumed(
    maple: Practice, crowd: dict[str, Client], owner: User
) -> None:
    start_bulk_invite(maple, by=by(owner))
    assert resume_stalled_bulk_invites() == 0


# --- the same email as a single send, byte for byte (rendered once per chunk) ----------------

OVERRIDE_SUBJECT = "{{ greeting_name }}, your {{ practice_name }} portal"
OVERRIDE_BODY = (
    "Dear {{ client_first_name }},\n\n"
    "Set up your account here: {{ link }}\n"
    "It works until {{ link_expires }}.\n\n"
    "See you soon, {{ greeting_name }}!\n"
)


@pytest.mark.parametrize("override", [False, True], ids=["default template", "practice template"])
def test_a_bulk_invitation_is_byte_for_byte_the_email_a_single_send_writes(
    override: bool, maple: Practice, owner: User
) -> None:
    if override:
        save_template_override(
            maple,
            kind=EmailKind.INVITE,
            subject=OVERRIDE_SUBJECT,
            body_text=OVERRIDE_BODY,
            by=by(owner),
        )
    # The last has a dot, which urlize might read as part of an address: rendered in full.
    names = ["O'Brien & <Sons>", 'Zoë "Zo" Ünal', "J.R. Smith"]
    clients = [
        make_client(maple, owner, name, "Client", emails=(f"c{n}@example.com",))
        for n, name in enumerate(names)
    ]
    with (
        time_machine.travel(timezone.now(), tick=False),
        patch.object(rendering, "render_default", wraps=rendering.render_default) as default,
        patch.object(rendering, "render_override", wraps=rendering.render_override) as own,
    ):
        _run(maple, owner)
        # Once with markers, once the probe, once for the name urlize could link.
        assert default.call_count + own.call_count == 3
        bulk_emails = [
            OutboundEmail.objects.get(client=client, kind=EmailKind.INVITE) for client in clients
        ]
        single = [send_invite(client, by=by(owner)).email for client in clients]
    for bulk_email, single_email, name in zip(bulk_emails, single, names, strict=True):
        bulk_token, single_token = token_of(bulk_email), token_of(single_email)
        assert bulk_token != single_token

        def same(part: str, bulk_token: str = bulk_token, single_token: str = single_token) -> str:
            return part.replace(bulk_token, single_token)

        assert same(bulk_email.subject) == single_email.subject
        assert same(bulk_email.text_body) == single_email.text_body
        assert same(bulk_email.html_body) == single_email.html_body
        assert name in single_email.text_body
    html = bulk_emails[0].html_body
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in html and "<Sons>" not in html
    assert f'href="{maple_link(bulk_emails[0])}"' in html


def maple_link(email: OutboundEmail) -> str:
    start = email.text_body.index("http")
    return email.text_body[start:].split()[0]
