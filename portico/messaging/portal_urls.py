from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.messaging import portal_views

app_name = "portal_messages"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.conversation, name="conversation"),
]
