from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.appointments import telehealth_views

app_name = "portal_telehealth"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<uuid:appointment_id>/join/", telehealth_views.join, name="join"),
]
