from __future__ import annotations

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "portico.mail"
    label = "mail"

    def ready(self) -> None:
        from anymail.signals import tracking

        from portico.mail.webhooks import on_tracking

        # anymail reports delivery news only through this signal; the receiver
        # calls one action and holds no logic of its own.
        tracking.connect(on_tracking, dispatch_uid="portico.mail.tracking")
