from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.scheduling import portal_views

app_name = "portal_scheduling"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.book, name="book"),
    path("confirm/", portal_views.confirm, name="confirm"),
]
