"""The outbox: every email is a row written in the transaction of the change that causes it.

``queue_email`` renders the email, writes the row and makes sure a delivery task
is waiting (django-tasks-db keeps task rows in the same database), so a
rolled-back change leaves neither an email nor a task behind.

One waiting delivery task serves every email queued before it runs: a worker
sends the due emails in batches on one SMTP connection instead of running one
task (two write transactions) per email.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from portico.mail.language import Recipient, recipient_languages
from portico.mail.models import EmailKind, EmailStatus, OutboundEmail
from portico.mail.rendering import RenderedEmail, render_email, render_emails

if TYPE_CHECKING:
    from portico.access.models import AccessLink
    from portico.clients.models import Client
    from portico.practices.models import Practice


def message_id_domain() -> str:
    return settings.BASE_DOMAIN or urlsplit(settings.BASE_URL).hostname or "portico.localhost"


def new_message_id() -> str:
    """A Message-ID unique to one outbox row; every retry of the row reuses it."""
    return f"<{uuid.uuid4().hex}@{message_id_domain()}>"


def from_address(practice: Practice) -> str:
    """'<practice sender name> <operator address>': the address is the operator's."""
    return formataddr((practice.display_sender, settings.DEFAULT_FROM_EMAIL))


def reply_to(practice: Practice) -> list[str]:
    address = practice.reply_to or practice.email
    return [address] if address else []


def queue_email(
    *,
    practice: Practice,
    kind: EmailKind,
    to: str,
    context: dict[str, Any],
    client: Client | None = None,
    link: AccessLink | None = None,
    rendered: RenderedEmail | None = None,
    language: str | None = None,
) -> OutboundEmail:
    """Render and queue one email. Call inside the transaction of the change that causes it.

    ``context`` may hold greeting_name, practice_name, link (absolute URL),
    link_expires (aware datetime), practice_phone, practice_email and username;
    anything else is ignored by the renderer, so no record can leak into an email.
    ``rendered`` (test emails only) is sent as given instead of rendering ``kind``.

    The email is written in the recipient's language (``language``, else the language
    of the person the link is for, or of the client or contact at ``to``: see
    ``portico.mail.language``). It is rendered here, at queue time, so the worker
    sends exactly these bytes and needs no language of its own.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "queue_email() must run inside the transaction of the change that causes the email."
        )
    if rendered is None:
        if language is None:
            language = recipient_languages(kind, [Recipient(to, client, link)])[0]
        rendered = render_email(practice, kind, context, language=language)
    email = _outbound_email(practice, kind, to, rendered, client=client, link=link)
    email.save(force_insert=True)
    ensure_delivery_task()
    return email


@dataclass(frozen=True)
class EmailToQueue:
    """One email of a ``queue_emails`` batch: the arguments ``queue_email`` takes for one."""

    to: str
    context: dict[str, Any]
    client: Client | None = None
    link: AccessLink | None = None
    language: str | None = None  # None: the recipient's (``portico.mail.language``)


def queue_emails(
    *,
    practice: Practice,
    kind: EmailKind,
    emails: Sequence[EmailToQueue],
    rendered: Sequence[RenderedEmail] | None = None,
) -> list[OutboundEmail]:
    """``queue_email`` for many emails of one kind: one INSERT and one delivery-task check.

    Rendered exactly as ``queue_email`` renders each one (the practice's template is
    read once), unless ``rendered`` gives each email's parts already (bulk invitations,
    through ``render_filled``). Call inside the transaction of the change that causes
    the emails.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(
            "queue_emails() must run inside the transaction of the change that causes the emails."
        )
    if not emails:
        return []
    if rendered is None:
        found = recipient_languages(kind, [Recipient(e.to, e.client, e.link) for e in emails])
        languages = [e.language or lang for e, lang in zip(emails, found, strict=True)]
        rendered = render_emails(
            practice, kind, [email.context for email in emails], languages=languages
        )
    rows = OutboundEmail.objects.bulk_create(
        _outbound_email(practice, kind, email.to, body, client=email.client, link=email.link)
        for email, body in zip(emails, rendered, strict=True)
    )
    ensure_delivery_task()
    return rows


def _outbound_email(
    practice: Practice,
    kind: EmailKind,
    to: str,
    rendered: RenderedEmail,
    *,
    client: Client | None,
    link: AccessLink | None,
) -> OutboundEmail:
    now = timezone.now()
    return OutboundEmail(
        practice=practice,
        kind=kind,
        to_address=to,
        subject=rendered.subject[:300],
        text_body=rendered.text,
        html_body=rendered.html,
        holds_link=link is not None,
        client=client,
        link=link,
        status=EmailStatus.QUEUED,
        message_id=new_message_id(),
        created_at=now,
        next_attempt_at=now,
        status_changed_at=now,
    )


def ensure_delivery_task() -> None:
    """Enqueue a delivery task unless one is already waiting that will see our rows.

    Call inside a transaction, after writing the rows. A waiting task is locked
    until our commit, so no worker can start it, find nothing, and leave our rows
    behind: on PostgreSQL by the row lock (workers claim with SKIP LOCKED, and a
    task being claimed right now is skipped here, so we enqueue another); on
    SQLite by the write lock every transaction takes at BEGIN (IMMEDIATE).
    Concurrent callers may each add a task; a task that finds nothing is cheap.
    """
    from django_tasks_db.models import DBTaskResult

    from portico.mail.tasks import deliver_outbox

    waiting = (
        DBTaskResult.objects.ready()
        .filter(
            task_path=deliver_outbox.module_path,
            backend_name=deliver_outbox.backend,
            queue_name=deliver_outbox.queue_name,
        )
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:1]
    )
    if not list(waiting):
        deliver_outbox.enqueue()
