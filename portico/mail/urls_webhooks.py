"""Tracking webhooks of the email services (anymail), under /webhooks/anymail/<service>/tracking/.

They answer 404 until PORTICO_WEBHOOK_SECRET is set: an unauthenticated webhook
could mark any address as bounced.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

app_name = "webhooks"


def _authenticated_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            raise Http404("Tracking webhooks are off: PORTICO_WEBHOOK_SECRET is not set.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        f"anymail/{service}/tracking/",
        _authenticated_only(view.as_view()),
        name=f"{service}_tracking",
    )
    for service, view in [
        ("postmark", PostmarkTrackingWebhookView),
        ("sendgrid", SendGridTrackingWebhookView),
        ("amazon_ses", AmazonSESTrackingWebhookView),
        ("mailgun", MailgunTrackingWebhookView),
    ]
]
