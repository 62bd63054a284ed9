from __future__ import annotations

from django.test import Client as HttpClient

from portico.access.models import AccessLink, LinkPurpose
from portico.accounts.models import User
from portico.audit.models import AuditEvent
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.cast import PASSWORD, at
from tests.portal.conftest import run_forgot_tasks, signed_in

NEW = "another long passphrase here"


def change(http: HttpClient, practice: Practice, current: str = PASSWORD, new: str = NEW):  # type: ignore[no-untyped-def]
    return http.post(
        at(practice, "portal:change_password"),
        {"current_password": current, "new_password": new, "confirm_password": new},
    )


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    maple: Practice, casey_account: User
) -> None:
    here = signed_in(maple, "casey")
    elsewhere = signed_in(maple, "casey")
    response = change(here, maple)
    assert response["Location"] == at(maple, "portal:home")
    assert here.get(at(maple, "portal:home")).status_code == 200
    assert elsewhere.get(at(maple, "portal:home"))["Location"] == at(maple, "portal:sign_in")
    assert signed_in(maple, "casey", NEW)


def test_the_current_password_is_needed(maple: Practice, casey_account: User) -> None:
    http = signed_in(maple, "casey")
    page = change(http, maple, current="not my password").content.decode()
    assert "That is not your current password" in page
    casey_account.refresh_from_db()
    assert casey_account.check_password(PASSWORD)


def test_a_change_revokes_live_reset_links_emails_a_notice_and_is_audited(
    maple: Practice, casey_account: User
) -> None:
    HttpClient().post(at(maple, "portal:forgot_password"), {"identifier": "casey"})
    run_forgot_tasks()  # the worker's part
    http = signed_in(maple, "casey")
    change(http, maple)
    link = AccessLink.objects.get(purpose=LinkPurpose.PASSWORD_RESET)
    assert link.revoked_reason == "password_changed"
    notice = OutboundEmail.objects.get(kind=EmailKind.PASSWORD_CHANGED)
    assert notice.to_address == "casey@example.com"
    event = AuditEvent.objects.get(action="access.password.changed")
    assert event.subject_user == casey_account
    assert event.details["after_temporary_password"] is False
    assert NEW not in str(event.details)


def test_the_change_page_needs_a_signed_in_client(maple: Practice) -> None:
    response = HttpClient().get(at(maple, "portal:change_password"))
    assert response["Location"].startswith(at(maple, "portal:sign_in") + "?next=")
