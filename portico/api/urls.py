"""Staff pages for the practice's API keys (the API itself: portico.api.main)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.api import views

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.key_list, name="keys"),
    path("new/", views.create_key, name="create_key"),
    path("<uuid:key_id>/revoke/", views.revoke_key, name="revoke_key"),
]
