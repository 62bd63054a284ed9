"""The local mailbox: the embedded default's email backend (never used in production).

Each message is stored as a LocalMailboxMessage and shown at /mailbox/, so the
whole flow can be clicked through with no mail server.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage as PythonEmailMessage
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class LocalMailboxBackend(BaseEmailBackend):
    # Delivery into the local mailbox is final: the outbox marks such emails delivered.
    delivers_immediately = True

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from portico.mail.models import LocalMailboxMessage

        sent = 0
        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                for alternative in message.alternatives:
                    if alternative[1] == "text/html":
                        html = str(alternative[0])
            mime: PythonEmailMessage | Any = message.message()
            LocalMailboxMessage.objects.create(
                message_id=str(mime["Message-ID"] or ""),
                from_address=str(message.from_email),
                to_addresses=", ".join(message.recipients()),
                subject=str(message.subject),
                text_body=str(message.body),
                html_body=html,
                headers={key: str(value) for key, value in mime.items()},
                received_at=timezone.now(),
            )
            sent += 1
        return sent
