"""The email template editor: list, edit with checks, preview, restore, send a test."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client as HttpClient

from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.clients.models import Client
from portico.mail.actions import (
    InvalidTemplate,
    reset_template_override,
    save_template_override,
    send_test_email,
)
from portico.mail.models import EmailKind, EmailStatus, EmailTemplateOverride, OutboundEmail
from portico.mail.outbox import queue_email
from portico.mail.rendering import default_template_source
from portico.mail.views_templates import EDITABLE, ENGLISH_ONLY
from portico.practices.models import Practice
from tests.cast import at

GOOD_BODY = "Hi {{ client_first_name }},\n\n{{ practice_name }} invites you: {{ link }}\n"


def test_the_list_shows_every_kind_as_default_or_customised(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    save_template_override(
        maple,
        kind=EmailKind.INVITE,
        subject="Join us",
        body_text=GOOD_BODY,
        by=Actor.for_user(owner),
    )
    page = owner_http.get(at(maple, "mail:templates")).content.decode()
    for kind in EmailKind:
        if kind != EmailKind.TEST:
            assert str(kind.label) in page
    assert page.count("Customised") == 1
    # One state per language; emails to staff have only English.
    badges = 2 * (len(EDITABLE) - len(ENGLISH_ONLY)) + len(ENGLISH_ONLY)
    assert page.count(">Default<") == badges - 1


def test_front_desk_and_outsiders_cannot_open_the_editor(
    maple: Practice, front_desk_http: HttpClient, outsider_http: HttpClient
) -> None:
    url = at(maple, "mail:template_edit", "invite")
    assert front_desk_http.get(url).status_code == 403
    assert outsider_http.get(url).status_code in (302, 404)
    assert outsider_http.post(url, {"subject": "x", "body_text": GOOD_BODY}).status_code in (
        302,
        404,
    )
    assert not EmailTemplateOverride.objects.exists()


def test_an_unknown_kind_is_a_404(maple: Practice, owner_http: HttpClient) -> None:
    assert owner_http.get(at(maple, "mail:template_edit", "test")).status_code == 404
    assert owner_http.get(at(maple, "mail:template_edit", "nope")).status_code == 404


def test_the_edit_page_starts_from_the_default_in_the_placeholder_language(
    maple: Practice, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "mail:template_edit", "invite")).content.decode()
    subject, body = default_template_source(maple, EmailKind.INVITE)
    assert subject == "Set up your {{ practice_name }} client portal account"
    assert "{{ link }}" in body and "{{ greeting_name }}" in body
    assert "{{ link_expires }}" in body
    assert "Hello {{ greeting_name }}," in page
    assert "client_first_name" in page  # the placeholders are listed beside


def test_every_default_can_be_saved_unchanged(maple: Practice, owner: User) -> None:
    for kind in EmailKind:
        if kind == EmailKind.TEST:
            continue
        subject, body = default_template_source(maple, kind)
        save_template_override(
            maple, kind=kind, subject=subject, body_text=body, by=Actor.for_user(owner)
        )


def test_saving_an_unknown_placeholder_is_refused_with_where_and_why_and_saves_nothing(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.post(
        at(maple, "mail:template_edit", "invite"),
        {"subject": "Hi", "body_text": "Hello,\nborn {{ client_dob }}\n{{ link }}", "save": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Line 2, column 6: {{ client_dob }} is not a placeholder you can use" in page
    assert not EmailTemplateOverride.objects.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Hello {% if x %}{{ link }}", "Line 1, column 7: {% … is not allowed"),
        ("Hello {{ link }\n", "is not a placeholder. Write placeholders as"),
        ("Hello }} {{ link }}", "Line 1, column 7: }} closes nothing"),
        ("Hello {{ practice_name }}", "This email must contain {{ link }}"),
        (
            "{{ client.date_of_birth }} {{ link }}",
            "{{ client.date_of_birth }} is not a placeholder",
        ),
    ],
)
def test_broken_templates_are_refused_by_the_action(
    maple: Practice, owner: User, body: str, expected: str
) -> None:
    with pytest.raises(InvalidTemplate) as refused:
        save_template_override(
            maple, kind=EmailKind.INVITE, subject="Hi", body_text=body, by=Actor.for_user(owner)
        )
    assert expected in str(refused.value)
    assert not EmailTemplateOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="mail.template.changed").exists()


def test_a_placeholder_in_the_subject_is_checked_too(maple: Practice, owner: User) -> None:
    with pytest.raises(InvalidTemplate) as refused:
        save_template_override(
            maple,
            kind=EmailKind.INVITE,
            subject="Hi {{ notes }}",
            body_text=GOOD_BODY,
            by=Actor.for_user(owner),
        )
    assert list(refused.value.problems) == ["subject"]


def test_a_saved_template_is_used_for_the_next_email_and_audited(
    maple: Practice, owner: User, owner_http: HttpClient, casey: Client
) -> None:
    response = owner_http.post(
        at(maple, "mail:template_edit", "invite"),
        {"subject": "Welcome to {{ practice_name }}", "body_text": GOOD_BODY, "save": ""},
    )
    assert response.status_code == 302
    with transaction.atomic():
        email = queue_email(
            practice=maple,
            kind=EmailKind.INVITE,
            to="casey@example.com",
            context={"greeting_name": "Casey", "link": "https://maple.example/accept/t"},
        )
    assert email.subject == "Welcome to Maple Counseling"
    assert (
        email.text_body
        == "Hi Casey,\n\nMaple Counseling invites you: https://maple.example/accept/t\n"
    )
    assert 'href="https://maple.example/accept/t"' in email.html_body
    event = AuditEvent.objects.get(action="mail.template.changed")
    assert event.details == {"kind": "invite", "change": "customised", "language": "en"}


def test_preview_shows_sample_values_and_saves_nothing(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = owner_http.post(
        at(maple, "mail:template_edit", "invite"),
        {"subject": "Welcome {{ greeting_name }}", "body_text": GOOD_BODY, "preview": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview of your changes (not saved)" in page
    assert "Subject: Welcome Alex" in page
    assert "/p/maple/example-link" in page
    assert not EmailTemplateOverride.objects.exists()


def test_restoring_the_default_removes_the_override_and_is_audited(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    save_template_override(
        maple, kind=EmailKind.INVITE, subject="Join", body_text=GOOD_BODY, by=Actor.for_user(owner)
    )
    response = owner_http.post(at(maple, "mail:template_reset", "invite"))
    assert response.status_code == 302
    assert not EmailTemplateOverride.objects.exists()
    assert AuditEvent.objects.filter(
        action="mail.template.changed", details__change="restored default"
    ).exists()
    assert reset_template_override(maple, kind=EmailKind.INVITE, by=Actor.for_user(owner)) is False


def test_send_me_a_test_queues_the_saved_text_with_a_fake_link_to_the_staff_member(
    maple: Practice, owner: User, owner_http: HttpClient
) -> None:
    save_template_override(
        maple, kind=EmailKind.INVITE, subject="Join", body_text=GOOD_BODY, by=Actor.for_user(owner)
    )
    response = owner_http.post(at(maple, "mail:template_test", "invite"))
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind=EmailKind.TEST)
    assert email.to_address == owner.email
    assert email.subject == "Test: Join"
    assert email.status == EmailStatus.QUEUED
    assert "Hi Alex," in email.text_body
    assert "/p/maple/example-link" in email.text_body
    assert AuditEvent.objects.filter(action="mail.test.sent").exists()


def test_a_test_of_a_default_template_uses_the_default_text(maple: Practice, owner: User) -> None:
    email = send_test_email(
        maple, kind=EmailKind.PASSWORD_RESET, to=owner.email, by=Actor.for_user(owner)
    )
    assert email.subject.startswith("Test: ")
    assert "Alex" in email.text_body
    assert email.html_body
