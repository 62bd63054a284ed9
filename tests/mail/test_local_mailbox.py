"""The local mailbox pages: list, filter, read, follow links; and who may read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from portico.accounts.models import User
from portico.clients.models import Client
from portico.mail.models import EmailKind, LocalMailboxMessage
from portico.mail.outbox import queue_email
from portico.practices.models import Practice
from tests.cast import at, make_client
from tests.mail.conftest import run_worker
from tests.portal.conftest import register


@pytest.fixture
def local_mailbox(settings: LazySettings) -> None:
    settings.LOCAL_MAILBOX = True
    settings.MAILERS = {"default": {"BACKEND": "portico.mail.backends.LocalMailboxBackend"}}


def _deliver_invite(practice: Practice, client: Client, to: str) -> LocalMailboxMessage:
    with transaction.atomic():
        queue_email(
            practice=practice,
            kind=EmailKind.INVITE,
            to=to,
            context={
                "greeting_name": client.greeting_name,
                "link": "https://maple.example/p/maple/accept/tok<en>",
                "link_expires": timezone.now() + timedelta(hours=48),
            },
            client=client,
        )
    run_worker()
    return LocalMailboxMessage.objects.filter(to_addresses=to).latest("received_at")


def test_the_mailbox_lists_delivered_emails_newest_first_with_their_kind(
    local_mailbox: None, maple: Practice, casey: Client, django_assert_max_num_queries: object
) -> None:
    _deliver_invite(maple, casey, "first@example.com")
    _deliver_invite(maple, casey, "other@example.com")
    response = HttpClient().get(reverse("mailbox:list"), {"to": "@example.com"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emails Portico would have sent" in page
    cells = page.split('<td data-label="To">')[1:]
    addresses = [cell.split("<")[0] for cell in cells]
    assert addresses.index("other@example.com") < addresses.index("first@example.com")
    assert "Portal invitation" in page


def test_the_mailbox_list_can_be_filtered_by_recipient(
    local_mailbox: None, maple: Practice, casey: Client
) -> None:
    _deliver_invite(maple, casey, "casey@example.com")
    _deliver_invite(maple, casey, "other@example.com")
    page = HttpClient().get(reverse("mailbox:list"), {"to": "casey@example.com"})
    text = page.content.decode()
    assert "casey@example.com" in text
    assert '<td data-label="To">other@example.com' not in text


def test_the_mailbox_list_takes_a_fixed_number_of_queries(
    local_mailbox: None, maple: Practice, casey: Client, django_assert_max_num_queries: object
) -> None:
    for i in range(5):
        _deliver_invite(maple, casey, f"c{i}@example.com")
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert HttpClient().get(reverse("mailbox:list")).status_code == 200


def test_a_message_shows_its_headers_and_a_text_part_with_clickable_escaped_links(
    local_mailbox: None, maple: Practice, casey: Client
) -> None:
    message = _deliver_invite(maple, casey, "casey@example.com")
    response = HttpClient().get(reverse("mailbox:message", args=[message.pk]))
    page = response.content.decode()
    assert "Maple Counseling" in page
    assert "casey@example.com" in page
    text_part = page.split('class="mailbox-text"')[1].split("</div>")[0]
    assert '<a href="https://maple.example/p/maple/accept/tok' in text_part
    assert "tok<en>" not in page  # escaped, never raw markup
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert "Reply to" in page or not maple.reply_to


def test_the_html_part_is_served_under_a_policy_without_scripts(
    local_mailbox: None, maple: Practice, casey: Client
) -> None:
    message = _deliver_invite(maple, casey, "casey@example.com")
    response = HttpClient().get(reverse("mailbox:message_html", args=[message.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b'<base target="_blank">' in response.content


def test_the_mailbox_does_not_exist_outside_the_embedded_setup(
    settings: LazySettings, maple: Practice, casey: Client
) -> None:
    settings.LOCAL_MAILBOX = False
    assert HttpClient().get(reverse("mailbox:list")).status_code == 404


def test_an_unknown_message_is_a_404(local_mailbox: None, db: None) -> None:
    assert HttpClient().get(reverse("mailbox:message", args=[999999])).status_code == 404


# --- PORTICO_LOCAL_MAILBOX=true: inside each practice, for its staff, its emails only ---------


@pytest.fixture
def staff_only_mailbox(local_mailbox: None, settings: LazySettings) -> None:
    settings.LOCAL_MAILBOX_STAFF_ONLY = True


@pytest.fixture
def two_practices_mail(
    maple: Practice, casey: Client, birch: Practice, outsider: User
) -> tuple[LocalMailboxMessage, LocalMailboxMessage]:
    """One invitation in Maple's mailbox (Casey's) and one in Birch's (Bea's)."""
    bea = make_client(birch, outsider, "Bea", "Birch", emails=("bea@example.com",))
    return (
        _deliver_invite(maple, casey, "casey@example.com"),
        _deliver_invite(birch, bea, "bea@example.com"),
    )


def _mailbox_pages(practice: Practice, message: LocalMailboxMessage) -> list[str]:
    return [
        at(practice, "mailbox:list"),
        at(practice, "mailbox:message", message.pk),
        at(practice, "mailbox:message_html", message.pk),
    ]


def test_with_the_opt_in_the_open_mailbox_answers_404_to_everyone(
    staff_only_mailbox: None, two_practices_mail: tuple[LocalMailboxMessage, ...]
) -> None:
    maples, _ = two_practices_mail
    for path in ("/mailbox/", f"/mailbox/{maples.pk}/", f"/mailbox/{maples.pk}/html/"):
        assert HttpClient().get(path).status_code == 404, path


def test_with_the_opt_in_an_anonymous_visitor_is_sent_to_the_staff_sign_in(
    staff_only_mailbox: None, maple: Practice, two_practices_mail: tuple[LocalMailboxMessage, ...]
) -> None:
    maples, _ = two_practices_mail
    for path in _mailbox_pages(maple, maples):
        response = HttpClient().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(at(maple, "accounts:staff_sign_in"))
        assert b"accept/tok" not in response.content


def test_with_the_opt_in_staff_read_only_their_own_practices_emails(
    staff_only_mailbox: None,
    maple: Practice,
    front_desk_http: HttpClient,
    two_practices_mail: tuple[LocalMailboxMessage, ...],
) -> None:
    maples, birchs = two_practices_mail
    listing = front_desk_http.get(at(maple, "mailbox:list"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert '<td data-label="To">casey@example.com' in page
    assert "bea@example.com" not in page
    assert "Only Maple Counseling's emails are shown" in page
    assert front_desk_http.get(at(maple, "mailbox:message", maples.pk)).status_code == 200
    # Birch's message, asked for by its id from Maple: as if it did not exist.
    for path in _mailbox_pages(maple, birchs)[1:]:
        assert front_desk_http.get(path).status_code == 404, path


def test_with_the_opt_in_the_outsider_never_reads_maples_mailbox(
    staff_only_mailbox: None,
    maple: Practice,
    birch: Practice,
    outsider_http: HttpClient,
    two_practices_mail: tuple[LocalMailboxMessage, ...],
) -> None:
    maples, _ = two_practices_mail
    # In his own practice, Maple's message does not exist.
    for path in _mailbox_pages(birch, maples)[1:]:
        assert outsider_http.get(path).status_code == 404, path
    # At Maple's address his Birch session means nothing: sign in first.
    for path in _mailbox_pages(maple, maples):
        response = outsider_http.get(path)
        assert response.status_code == 302, path
        assert b"casey@example.com" not in response.content


def test_with_the_opt_in_a_portal_user_gets_404(
    staff_only_mailbox: None,
    maple: Practice,
    casey: Client,
    owner: User,
    two_practices_mail: tuple[LocalMailboxMessage, ...],
) -> None:
    maples, _ = two_practices_mail
    account = register(casey, owner, username="casey")
    http = HttpClient()
    http.force_login(account)
    for path in _mailbox_pages(maple, maples):
        assert http.get(path).status_code == 404, path


def test_without_the_opt_in_the_open_mailbox_still_shows_every_practice(
    local_mailbox: None, two_practices_mail: tuple[LocalMailboxMessage, ...]
) -> None:
    page = HttpClient().get(reverse("mailbox:list")).content.decode()
    assert "casey@example.com" in page
    assert "bea@example.com" in page
