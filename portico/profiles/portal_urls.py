from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.profiles import portal_views

app_name = "portal_profile"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal_views.profile, name="profile"),
]
