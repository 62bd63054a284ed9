"""URLs outside any practice. A practice's own URLs are in urls_practice.py."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from portico import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("webhooks/", include("portico.mail.urls_webhooks")),
]

# The open mailbox, every practice's emails: debug and tests only (see settings).
# With PORTICO_LOCAL_MAILBOX=true it lives inside each practice, for its staff.
if settings.LOCAL_MAILBOX and not settings.LOCAL_MAILBOX_STAFF_ONLY:
    urlpatterns.append(path("mailbox/", include("portico.mail.urls_mailbox")))
